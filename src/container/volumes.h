#pragma once
// Named volumes, as docker's local driver keeps them: a directory <store>/.hoist/volumes/<name>/_data
// that containers mount (`hoist run -v NAME:/path`) and that outlives them, with a small record
// (volume.json: Name, CreatedAt). A volume a container still names cannot be removed.

#include <string>
#include <vector>

#include "core/error.h"
#include "store/layout_paths.h"

namespace hoist::container {

struct VolumeRecord {
  std::string name;
  std::string created;     // RFC 3339
  std::string mountpoint;  // the _data directory
};

class VolumeStore {
 public:
  explicit VolumeStore(store::LayoutPaths paths) : paths_(std::move(paths)) {}

  // Creates the volume, or returns the existing one of that name (docker's volume create is
  // idempotent). An empty name gets a random 64-hex one (an anonymous volume).
  Result<VolumeRecord> Create(const std::string& name);
  Result<VolumeRecord> Find(const std::string& name) const;
  Result<std::vector<VolumeRecord>> List() const;
  // Refuses a volume some container names (see ContainerRecord::spec.volumes) unless `force`.
  Status Remove(const std::string& name, bool force) const;

 private:
  store::LayoutPaths paths_;
};

// docker's rule for volume names: [a-zA-Z0-9][a-zA-Z0-9_.-]+
bool ValidVolumeName(const std::string& name);

}  // namespace hoist::container
