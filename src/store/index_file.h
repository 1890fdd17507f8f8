#pragma once
// Internal to the store: the index.json document. It is read with the store's own limit rather than
// the 4 MiB manifest limit (a store of many images outgrows that), and rewritten with its unknown
// top-level fields kept, so an edit by hoist loses nothing another tool wrote there.

#include <string>
#include <string_view>
#include <vector>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/spec_json.h"

namespace hoist::store {

// A store of a million names stays under this; beyond it the file is refused rather than read.
inline constexpr uint64_t kMaxIndexFileSize = 256ull * 1024 * 1024;

struct IndexFile {
  spec_json::Json doc;  // the whole document, unknown fields included
  std::vector<Descriptor> manifests;
};

// {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}
std::string EmptyIndexFile();

// Strict: a JSON object, schemaVersion 2, manifests an array of valid descriptors. Errors name
// `path` and say what is wrong.
Result<IndexFile> ParseIndexFile(std::string_view raw, const std::string& path);
Result<IndexFile> ReadIndexFile(const std::string& path);

// The document with its manifests replaced by `f.manifests`.
std::string RenderIndexFile(const IndexFile& f);

}  // namespace hoist::store
