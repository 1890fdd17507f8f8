#include "container/volumes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <ctime>
#include <nlohmann/json.hpp>

#include "container/containers.h"
#include "container/root_dir.h"
#include "core/fs.h"
#include "core/json_parse.h"
#include "core/random_id.h"
#include "store/import.h"

namespace hoist::container {

namespace {

constexpr uint64_t kMaxVolumeRecordSize = 64 * 1024;
constexpr size_t kMaxVolumeNameLength = 255;


}  // namespace

bool ValidVolumeName(const std::string& name) {
  if (name.size() < 2 || name.size() > kMaxVolumeNameLength || !std::isalnum(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

Result<VolumeRecord> VolumeStore::Create(const std::string& given) {
  std::string name = given;
  if (name.empty()) {
    HOIST_TRY_ASSIGN(name, RandomHex(32));
  }
  if (!ValidVolumeName(name)) {
    return InvalidArgument("invalid volume name \"" + name +
                           "\": use at least two of letters, digits, _ . - starting with a letter or digit");
  }
  HOIST_TRY(MakeDirs(paths_.VolumesDir(), 0700));
  HOIST_TRY_ASSIGN(FileLock lock, FileLock::Acquire(paths_.VolumesDir() + "/.lock"));
  auto existing = Find(name);
  if (existing.ok() || existing.error().code() != ErrorCode::kNotFound) return existing;
  const std::string dir = paths_.Volume(name);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoError("create " + dir, errno);
  if (::mkdir((dir + "/_data").c_str(), 0755) != 0 && errno != EEXIST) return ErrnoError("create " + dir + "/_data", errno);
  VolumeRecord v{name, store::Rfc3339(static_cast<int64_t>(std::time(nullptr))), dir + "/_data"};
  nlohmann::json j = {{"Name", v.name}, {"CreatedAt", v.created}};
  HOIST_TRY(AtomicWriteFile(dir + "/volume.json", DumpJson(j, 2) + "\n", 0600));
  return v;
}

Result<VolumeRecord> VolumeStore::Find(const std::string& name) const {
  if (!ValidVolumeName(name)) return NotFound("no volume named \"" + name + "\" (see hoist volume ls)");
  const std::string dir = paths_.Volume(name);
  auto raw = ReadFileToString(dir + "/volume.json", kMaxVolumeRecordSize);
  if (!raw.ok()) {
    if (raw.error().code() == ErrorCode::kNotFound) return NotFound("no volume named " + name + " (see hoist volume ls)");
    return std::move(raw).error();
  }
  auto j = ParseJson(*raw);
  VolumeRecord v{name, "", dir + "/_data"};
  if (j.ok() && j->is_object()) {
    if (auto it = j->find("CreatedAt"); it != j->end() && it->is_string()) v.created = it->get<std::string>();
  }
  return v;
}

Result<std::vector<VolumeRecord>> VolumeStore::List() const {
  std::vector<VolumeRecord> out;
  HOIST_TRY_ASSIGN(auto names, ListDirNamesIfExists(paths_.VolumesDir()));
  for (const auto& n : names) {
    if (!ValidVolumeName(n)) continue;
    auto v = Find(n);
    if (v.ok()) out.push_back(std::move(*v));
  }
  return out;
}

Status VolumeStore::Remove(const std::string& name, bool force) const {
  HOIST_TRY(Find(name));
  if (!force) {
    HOIST_TRY_ASSIGN(auto containers, ContainerStore(paths_).List());
    for (const auto& c : containers) {
      if (std::find(c.spec.volumes.begin(), c.spec.volumes.end(), name) != c.spec.volumes.end()) {
        return Error(ErrorCode::kConflict, "volume " + name + " is in use by container " + c.name + " (" +
                                               c.id.substr(0, 12) + "); remove the container first");
      }
    }
  }
  HOIST_TRY_ASSIGN(FileLock lock, FileLock::Acquire(paths_.VolumesDir() + "/.lock"));
  int fd = ::open(paths_.VolumesDir().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + paths_.VolumesDir(), errno);
  std::string record = name + "/volume.json";
  ::unlinkat(fd, record.c_str(), 0);  // first: a half-removed volume is then no volume at all
  auto s = RemoveTreeAt(fd, name, paths_.Volume(name));
  ::close(fd);
  return s;
}

}  // namespace hoist::container
