#include "container/containers.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "container/root_dir.h"
#include "core/fs.h"
#include "core/json_parse.h"
#include "core/random_id.h"

namespace hoist::container {

namespace {

constexpr uint64_t kMaxRecordSize = 1 << 20;

bool ValidId(const std::string& id) {
  return id.size() == 64 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}


nlohmann::json MountJson(const SandboxMount& m) {
  return {{"Type", m.kind == SandboxMount::Kind::kTmpfs ? "tmpfs" : "bind"},
          {"Source", m.source},
          {"Target", m.target},
          {"ReadOnly", m.read_only},
          {"Options", m.tmpfs_options}};
}

nlohmann::json SpecJson(const RunSpec& s) {
  nlohmann::json mounts = nlohmann::json::array();
  for (const auto& m : s.mounts) mounts.push_back(MountJson(m));
  return {{"Env", s.env},
          {"WorkingDir", s.working_dir},
          {"User", s.user},
          {"Hostname", s.hostname},
          {"NetworkNone", s.network_none},
          {"Capabilities", s.capabilities},
          {"Privileged", s.privileged},
          {"Mounts", mounts},
          {"Volumes", s.volumes},
          {"ReadOnly", s.read_only_root},
          {"Init", s.init},
          {"Tty", s.tty},
          {"AutoRemove", s.auto_remove}};
}

std::vector<std::string> Strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (auto it = j.find(key); it != j.end() && it->is_array()) {
    for (const auto& a : *it) {
      if (a.is_string()) out.push_back(a.get<std::string>());
    }
  }
  return out;
}

std::string String(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Bool(const nlohmann::json& j, const char* key, bool fallback = false) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

int Int(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
}

RunSpec SpecFromJson(const nlohmann::json& j) {
  RunSpec s;
  if (!j.is_object()) return s;
  s.env = Strings(j, "Env");
  s.working_dir = String(j, "WorkingDir");
  s.user = String(j, "User");
  s.hostname = String(j, "Hostname");
  s.network_none = Bool(j, "NetworkNone");
  if (auto it = j.find("Capabilities"); it != j.end() && it->is_number_unsigned()) {
    s.capabilities = it->get<CapabilitySet>();
  }
  s.privileged = Bool(j, "Privileged");
  if (auto it = j.find("Mounts"); it != j.end() && it->is_array()) {
    for (const auto& m : *it) {
      if (!m.is_object()) continue;
      SandboxMount mount;
      mount.kind = String(m, "Type") == "tmpfs" ? SandboxMount::Kind::kTmpfs : SandboxMount::Kind::kBind;
      mount.source = String(m, "Source");
      mount.target = String(m, "Target");
      mount.read_only = Bool(m, "ReadOnly");
      mount.tmpfs_options = String(m, "Options");
      s.mounts.push_back(std::move(mount));
    }
  }
  s.volumes = Strings(j, "Volumes");
  s.read_only_root = Bool(j, "ReadOnly");
  s.init = Bool(j, "Init");
  s.tty = Bool(j, "Tty");
  s.auto_remove = Bool(j, "AutoRemove");
  return s;
}

nlohmann::json ToJson(const ContainerRecord& r) {
  return {{"Id", r.id},        {"Name", r.name},         {"Image", r.image},
          {"ImageManifest", r.image_manifest.str()}, {"Platform", r.platform}, {"Created", r.created}, {"Command", r.command},
          {"Status", r.status}, {"ExitCode", r.exit_code}, {"Pid", r.pid}, {"ContainerPid", r.container_pid},
          {"Detached", r.detached}, {"StartedAt", r.started}, {"FinishedAt", r.finished}, {"Cgroup", r.cgroup}, {"Config", SpecJson(r.spec)}};
}

}  // namespace

bool ValidContainerName(const std::string& name) {
  if (name.empty() || name.size() > 128 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

SandboxOptions SandboxFor(const ContainerRecord& r, const std::string& rootfs) {
  SandboxOptions o;
  o.rootfs = rootfs;
  o.argv = r.command;
  o.env = r.spec.env;
  o.working_dir = r.spec.working_dir.empty() ? "/" : r.spec.working_dir;
  o.user = r.spec.user;
  o.hostname = r.spec.hostname.empty() ? r.id.substr(0, 12) : r.spec.hostname;
  o.network = r.spec.network_none ? SandboxOptions::Network::kNone : SandboxOptions::Network::kHost;
  o.capabilities = r.spec.capabilities;
  o.privileged = r.spec.privileged;
  o.mounts = r.spec.mounts;
  o.read_only_root = r.spec.read_only_root;
  o.init = r.spec.init;
  o.tty = r.spec.tty;
  return o;
}

bool ContainerRecord::running() const {
  return status == "running" && pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

Result<ContainerRecord> ContainerStore::Create(ContainerRecord record) {
  HOIST_TRY(MakeDirs(paths_.ContainersDir(), 0700));
  HOIST_TRY_ASSIGN(FileLock lock, FileLock::Acquire(paths_.ContainersDir() + "/lock"));
  HOIST_TRY_ASSIGN(record.id, RandomHex(32));
  if (record.name.empty()) record.name = "hoist-" + record.id.substr(0, 12);
  if (!ValidContainerName(record.name)) {
    return InvalidArgument("invalid container name \"" + record.name + "\": use letters, digits, _ . -");
  }
  HOIST_TRY_ASSIGN(auto all, List());
  for (const auto& c : all) {
    if (c.name == record.name) {
      return Error(ErrorCode::kConflict, "a container named \"" + record.name + "\" already exists (" +
                                             c.id.substr(0, 12) + "); remove it with hoist rm or pick another --name");
    }
  }
  std::string dir = paths_.Container(record.id);
  if (::mkdir(dir.c_str(), 0700) != 0) return ErrnoError("create " + dir, errno);
  // The record first, under the lock: a directory without one is then always a leftover.
  Status made = Save(record);
  if (made.ok() && ::mkdir(Rootfs(record.id).c_str(), 0755) != 0) {
    made = ErrnoError("create " + Rootfs(record.id), errno);
  }
  if (!made.ok()) {
    (void)Remove(record.id);
    return std::move(made).error();
  }
  return record;
}

Status ContainerStore::Save(const ContainerRecord& r) const {
  if (!ValidId(r.id)) return InvalidArgument("invalid container id " + r.id);
  return AtomicWriteFile(paths_.Container(r.id) + "/container.json", DumpJson(ToJson(r), 2) + "\n", 0600);
}

Result<ContainerRecord> ContainerStore::Load(const std::string& id) const {
  std::string path = paths_.Container(id) + "/container.json";
  HOIST_TRY_ASSIGN(std::string raw, ReadFileToString(path, kMaxRecordSize));
  auto parsed = ParseJson(raw);
  auto bad = [&] { return ParseError(path + " is not a valid container record"); };
  if (!parsed.ok() || !parsed->is_object()) return bad();
  const nlohmann::json& j = *parsed;
  ContainerRecord r;
  auto str = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  r.id = str("Id");
  r.name = str("Name");
  r.image = str("Image");
  r.created = str("Created");
  r.status = str("Status");
  auto digest = Digest::Parse(str("ImageManifest"));
  if (r.id != id || !digest.ok()) return bad();
  r.image_manifest = *digest;
  if (auto it = j.find("Command"); it != j.end() && it->is_array()) {
    for (const auto& a : *it) {
      if (a.is_string()) r.command.push_back(a.get<std::string>());
    }
  }
  if (auto it = j.find("ExitCode"); it != j.end() && it->is_number_integer()) r.exit_code = it->get<int>();
  if (auto it = j.find("Pid"); it != j.end() && it->is_number_integer()) r.pid = it->get<int>();
  r.container_pid = Int(j, "ContainerPid");
  r.detached = Bool(j, "Detached");
  r.started = String(j, "StartedAt");
  r.finished = String(j, "FinishedAt");
  r.cgroup = String(j, "Cgroup");
  r.platform = String(j, "Platform");
  if (auto it = j.find("Config"); it != j.end()) r.spec = SpecFromJson(*it);
  return r;
}

Result<std::vector<ContainerRecord>> ContainerStore::List() const {
  std::vector<ContainerRecord> out;
  HOIST_TRY_ASSIGN(auto ids, ListDirNamesIfExists(paths_.ContainersDir()));
  for (const auto& id : ids) {
    if (!ValidId(id)) continue;
    auto r = Load(id);
    if (r.ok()) {
      out.push_back(std::move(*r));
      continue;
    }
    ContainerRecord broken;
    broken.id = id;
    broken.status = "broken";
    broken.problem = r.error().code() == ErrorCode::kNotFound ? "no container.json" : r.error().message();
    out.push_back(std::move(broken));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.created != b.created ? a.created > b.created : a.id < b.id;
  });
  return out;
}

Result<ContainerRecord> ContainerStore::Find(const std::string& name_or_id) const {
  HOIST_TRY_ASSIGN(auto all, List());
  for (const auto& c : all) {
    if ((!c.name.empty() && c.name == name_or_id) || c.id == name_or_id) return c;
  }
  const ContainerRecord* match = nullptr;
  for (const auto& c : all) {
    if (name_or_id.size() >= 3 && c.id.compare(0, name_or_id.size(), name_or_id) == 0) {
      if (match != nullptr) return InvalidArgument("container id prefix " + name_or_id + " is ambiguous");
      match = &c;
    }
  }
  if (match == nullptr) return NotFound("no container named " + name_or_id + " (see hoist ps -a)");
  return *match;
}

Result<std::vector<std::string>> ContainerStore::RemoveBroken() const {
  std::vector<std::string> removed;
  if (::access(paths_.ContainersDir().c_str(), F_OK) != 0) return removed;
  // Create holds this lock from mkdir to the record: a recordless directory seen here is a leftover.
  HOIST_TRY_ASSIGN(FileLock lock, FileLock::Acquire(paths_.ContainersDir() + "/lock"));
  HOIST_TRY_ASSIGN(auto all, List());
  for (const auto& c : all) {
    if (c.problem.empty()) continue;
    HOIST_TRY(Remove(c.id));
    removed.push_back(c.id);
  }
  return removed;
}

Status ContainerStore::Remove(const std::string& id) const {
  if (!ValidId(id)) return InvalidArgument("invalid container id " + id);
  int fd = ::open(paths_.ContainersDir().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + paths_.ContainersDir(), errno);
  // The record goes first, so an interrupted removal leaves no container that looks whole.
  std::string record = id + "/container.json";
  ::unlinkat(fd, record.c_str(), 0);
  auto s = RemoveTreeAt(fd, id, paths_.Container(id));
  ::close(fd);
  return s;
}

}  // namespace hoist::container
