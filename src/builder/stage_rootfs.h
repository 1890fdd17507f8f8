#pragma once
// A stage's root filesystem while it is built, made only when a step has to run (a build whose
// every step is cached unpacks nothing). Two trees are kept side by side: `root` where steps run,
// and `base`, the state before the current step. After a step its changes are diffed
// (store/rootfs_diff.h) into a gzip layer that goes into the store, and that layer is applied to
// both trees so they agree again (times clamped by the layer included), which costs as much as the
// change and never a full copy.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/rootfs_diff.h"
#include "core/descriptor.h"
#include "core/digest.h"
#include "store/oci_layout.h"

namespace hoist::builder {

struct LayerResult {
  std::optional<Descriptor> layer;  // nullopt: the step changed nothing
  Digest diff_id = Digest::Of("");
  store::DiffStats stats;
};

class StageRootfs {
 public:
  // `dir`: an empty scratch directory this object may fill.
  StageRootfs(store::OciLayout& layout, std::string dir) : layout_(layout), dir_(std::move(dir)) {}

  bool materialized() const { return materialized_; }
  std::string root() const { return dir_ + "/root"; }

  // Unpacks `layers` (verified against their digests) into both trees, unless already done.
  Status Materialize(const std::vector<Descriptor>& layers);
  // A cached step's layer, applied to both trees (when they exist) to keep them current.
  Status ApplyCached(const Descriptor& layer);
  // The changes since the last snapshot as a layer in the store; both trees agree afterwards.
  Result<LayerResult> Snapshot(std::optional<int64_t> timestamp, const std::string& media_type);

 private:
  Status ApplyToBoth(const std::string& file_or_empty, const Descriptor* blob);

  store::OciLayout& layout_;
  std::string dir_;
  bool materialized_ = false;
  int snapshots_ = 0;
};

// Applies one store blob (a layer) onto `dir`, verifying the blob's digest.
Status ApplyStoredLayer(const store::OciLayout& layout, const Descriptor& layer, const std::string& dir);

}  // namespace hoist::builder
