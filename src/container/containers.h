#pragma once
// Working containers: a root filesystem unpacked from an image plus a small JSON record, kept in the
// store's private area (<store>/.hoist/containers/<id>/{rootfs/,container.json}). They live until
// `hoist rm`, so `hoist commit` can turn their changes into a layer.

#include <string>
#include <vector>

#include "container/sandbox.h"
#include "core/digest.h"
#include "core/error.h"
#include "store/layout_paths.h"

namespace hoist::container {

// How a container runs, kept so `hoist start` and `hoist exec` can do it again: the sandbox's
// settings without its root filesystem and command.
struct RunSpec {
  std::vector<std::string> env;
  std::string working_dir = "/";
  std::string user;
  std::string hostname;
  bool network_none = false;
  CapabilitySet capabilities = kDefaultCapabilities;
  bool privileged = false;
  std::vector<SandboxMount> mounts;
  std::vector<std::string> volumes;  // the named volumes among the mounts
  bool read_only_root = false;
  bool init = false;
  bool tty = false;
  bool auto_remove = false;  // --rm: a detached container's supervisor removes it at the end
};

struct ContainerRecord {
  std::string id;    // 64 lowercase hex
  std::string name;  // unique among containers
  std::string image;  // the image as the user named it
  Digest image_manifest = Digest::Of("");  // the manifest the rootfs was unpacked from
  std::string platform;  // the image's, "os/arch[/variant]"; "" when the config named none (or older records)
  std::string created;  // RFC 3339
  std::vector<std::string> command;
  std::string status = "created";  // created, running, exited
  int exit_code = 0;
  int pid = 0;  // the hoist process running it, while running
  int container_pid = 0;  // the host PID of the container's PID 1, while running
  bool detached = false;  // run -d or start: output goes to the container's log file
  std::string started;    // RFC 3339, the last start; "" before the first
  std::string finished;   // RFC 3339, the last exit
  std::string cgroup;     // its freezer cgroup while running (container/container_pause.h), or ""
  RunSpec spec;
  // Non-empty for a directory without a readable record (a run killed while creating it, an
  // interrupted rm): listed with status "broken" so `hoist rm` and `hoist prune` can remove it.
  std::string problem;

  // Running and its hoist process still alive.
  bool running() const;
};

class ContainerStore {
 public:
  explicit ContainerStore(store::LayoutPaths paths) : paths_(std::move(paths)) {}

  // Gives the record a fresh id (and a name, when empty), refuses a name already taken, and makes
  // its directory with the record and an empty rootfs/; a failure leaves no directory behind.
  Result<ContainerRecord> Create(ContainerRecord record);
  Status Save(const ContainerRecord& record) const;
  // Every container, broken ones (see ContainerRecord::problem) included.
  Result<std::vector<ContainerRecord>> List() const;
  // Removes the broken containers; returns their ids.
  Result<std::vector<std::string>> RemoveBroken() const;
  // By name, full id, or an id prefix only one container has.
  Result<ContainerRecord> Find(const std::string& name_or_id) const;
  Status Remove(const std::string& id) const;

  std::string Rootfs(const std::string& id) const { return paths_.Container(id) + "/rootfs"; }
  // A detached container's output, appended on every start.
  std::string LogFile(const std::string& id) const { return paths_.Container(id) + "/container.log"; }

 private:
  Result<ContainerRecord> Load(const std::string& id) const;
  store::LayoutPaths paths_;
};

// The sandbox settings that run `record` again in its root filesystem.
SandboxOptions SandboxFor(const ContainerRecord& record, const std::string& rootfs);

// docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]*
bool ValidContainerName(const std::string& name);

}  // namespace hoist::container
