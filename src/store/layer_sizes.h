#pragma once
// The unpacked size of a layer (the bytes of its uncompressed tar), which docker shows as an
// image's SIZE. A compressed layer's unpacked size is not in any manifest: it is recorded when
// hoist makes a layer (build, commit, import), else computed by streaming the layer through its
// decompressor once, and kept in <store>/.hoist/layer-sizes.json (compressed digest → bytes).
// The file is a cache: unreadable or damaged, it is rebuilt; concurrent writers merge.

#include <cstdint>
#include <map>
#include <string>

#include "core/descriptor.h"
#include "core/error.h"
#include "store/oci_layout.h"

namespace hoist::store {

// Most entries the cache keeps (about 100 bytes each); beyond it, sizes are computed again.
inline constexpr size_t kMaxLayerSizeEntries = 200000;

class LayerSizes {
 public:
  explicit LayerSizes(const OciLayout& layout);

  // The unpacked size of `layer`: its size when it is an uncompressed tar, else the recorded one,
  // else computed (the layer is read once). Foreign layers not in the store count their
  // descriptor size.
  Result<int64_t> Unpacked(const Descriptor& layer);

  // Writes what was learnt since loading (merged with what others wrote meanwhile).
  Status Save();

  // Remembers the unpacked size of a layer hoist just made.
  static Status Record(const OciLayout& layout, const Digest& layer, uint64_t unpacked);

 private:
  const OciLayout& layout_;
  std::map<std::string, int64_t> known_;
  std::map<std::string, int64_t> learnt_;
};

}  // namespace hoist::store
