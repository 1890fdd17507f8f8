#pragma once
// `hoist import`: a root filesystem tarball (plain, gzip or zstd) becomes a one-layer image, as
// `docker import` makes it. Entries are re-written through TarWriter (paths cleaned and checked,
// so an entry reaching outside the root is refused) into one gzip layer; the config gets the
// layer's diff_id, a history entry (with --message as its comment) and the --change edits.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/io.h"
#include "core/platform.h"
#include "core/reference.h"
#include "core/tar_writer.h"
#include "store/oci_layout.h"

namespace hoist::store {

struct ImportOptions {
  Platform platform = Platform::Host();
  std::vector<std::string> changes;  // "CMD ["/bin/sh"]", "ENV A=b", … (import_changes.h)
  std::string message;               // the history entry's comment
  std::string created;               // RFC 3339; empty: now (or SOURCE_DATE_EPOCH when set)
  uint64_t max_expanded_size = std::numeric_limits<uint64_t>::max();  // a compressed tarball's limit
};

struct ImportResult {
  Descriptor manifest;
  Digest config = Digest::Of("");
  Digest diff_id = Digest::Of("");
};

// Builds the image in `store` and names it `name`.
Result<ImportResult> ImportRootfs(OciLayout& store, Reader& tarball, const Reference& name,
                                  const ImportOptions& options);

// Re-writes a layer tarball's entries through `out`, each path cleaned and checked (an entry
// reaching outside the root is refused), and closes `out`. `hoist append` uses it for a TAR.
Status CopyLayerEntries(Reader& plain, TarWriter& out);

// Seconds since the epoch as RFC 3339 UTC ("2024-01-02T03:04:05Z").
std::string Rfc3339(int64_t seconds);

// SOURCE_DATE_EPOCH when set to a valid number of seconds; nullopt when unset (kInvalidArgument
// when set to something else, so a typo does not silently make an image irreproducible).
Result<std::optional<int64_t>> SourceDateEpoch();

}  // namespace hoist::store
