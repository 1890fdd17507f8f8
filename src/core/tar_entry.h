#pragma once
// TarEntry: one member of a tar archive as TarReader returns it and TarWriter takes it.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace hoist {

enum class TarEntryType { kRegular, kDirectory, kSymlink, kHardlink, kCharDevice, kBlockDevice, kFifo };

// "regular file", "directory", "symlink", ...
std::string_view TarEntryTypeName(TarEntryType type);

struct TarEntry {
  // As stored in the archive (after PAX/GNU long names); not cleaned. Use CleanEntryPath or
  // TarPathChecker (core/tar_path.h) before touching the filesystem.
  std::string path;
  TarEntryType type = TarEntryType::kRegular;
  std::string link_target;  // symlink target, or the archive path a hardlink points to
  uint64_t size = 0;        // bytes of data; only regular files carry data
  uint32_t mode = 0644;     // permission bits incl. setuid/setgid/sticky (07777)
  uint64_t uid = 0;
  uint64_t gid = 0;
  std::string uname;
  std::string gname;
  int64_t mtime = 0;         // seconds since the epoch
  uint32_t mtime_nsec = 0;   // 0..999999999
  uint32_t dev_major = 0;    // character and block devices
  uint32_t dev_minor = 0;
  std::map<std::string, std::string> xattrs;     // "user.x" → value (PAX SCHILY.xattr.*)
  std::map<std::string, std::string> pax_extra;  // PAX records hoist does not interpret

  bool operator==(const TarEntry&) const = default;
};

}  // namespace hoist
