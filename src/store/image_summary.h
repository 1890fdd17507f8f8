#pragma once
// What `hoist images` shows for each index.json entry: its name, image ID, creation time, size and
// platforms. Built from index.json, each entry's manifest (or index and its stored platforms'
// manifests) and each config's "created" field; documents shared by several names are read once.

#include <optional>
#include <string>
#include <vector>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/reference.h"
#include "store/oci_layout.h"

namespace hoist::store {

struct ImageSummary {
  Descriptor descriptor;          // the index.json entry (manifest or index)
  std::optional<Reference> name;  // nullopt for an unnamed entry
  // Docker's image ID: the config digest of a single-platform image, the index digest of a
  // multi-platform one (as docker's containerd store shows it).
  Digest id = Digest::Of("");
  std::string created;  // RFC 3339 from the config (the newest platform's for an index); "" unknown
  int64_t size = 0;     // every distinct blob of the image: manifests, configs, layers (compressed)
  int64_t unpacked_size = 0;  // docker's SIZE: its distinct layers uncompressed (store/layer_sizes.h)
  bool multi_platform = false;
  std::vector<std::string> platforms;  // "linux/amd64", … for the platforms stored (indexes only)
  std::string problem;  // why the summary is partial (a missing or corrupt blob), else ""
};

Result<std::vector<ImageSummary>> SummarizeImages(const OciLayout& layout);

// The summaries of one entry (for inspect and rmi).
ImageSummary SummarizeImage(const OciLayout& layout, const Descriptor& entry);

}  // namespace hoist::store
