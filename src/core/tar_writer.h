#pragma once
// A deterministic tar writer: POSIX ustar headers, with a PAX extended header only when a field
// does not fit (long or non-ASCII names, big sizes or ids, sub-second or out-of-range mtimes,
// xattrs). The same entries and data always produce the same bytes: PAX records are sorted by key,
// PAX header names are derived from the entry path, and atime/ctime are never written.

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/error.h"
#include "core/io.h"
#include "core/tar_entry.h"

namespace hoist {

struct TarWriterOptions {
  std::optional<int64_t> fixed_mtime;  // every entry gets exactly this mtime
  std::optional<int64_t> clamp_mtime;  // later mtimes become this (SOURCE_DATE_EPOCH semantics)
  bool subsecond_mtime = false;        // keep nanoseconds (costs a PAX header); else truncate
  bool zero_owner = false;             // uid and gid written as 0
  bool omit_owner_names = false;       // uname and gname written empty
};

class TarWriter {
 public:
  explicit TarWriter(Writer& out, TarWriterOptions options = {});
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  // Writes one entry. Regular files take exactly entry.size bytes from `data` (shorter or longer
  // data is an error); other types ignore `data`. The path is written as given: sorting and
  // cleaning are the caller's job. After a failure the writer refuses further entries.
  Status WriteEntry(const TarEntry& entry, Reader* data = nullptr);

  // Writes the end-of-archive marker (two zero blocks). Does not close `out`.
  Status Close();

  uint64_t bytes_written() const { return written_; }

 private:
  Status WriteEntryImpl(const TarEntry& entry, Reader* data);
  Status Emit(const char* p, size_t n);
  Status EmitPadding(uint64_t size);
  Status CopyData(const TarEntry& entry, Reader& data);

  Writer& out_;
  TarWriterOptions options_;
  uint64_t written_ = 0;
  bool failed_ = false;
  bool closed_ = false;
};

struct TarTreeOptions {
  // Extended attributes (user.*, security.capability, ...); system.* (ACLs) and security.selinux
  // (host-specific labels) are never recorded.
  bool xattrs = true;
  // Prepended to every archive path (e.g. "rootfs/"); empty for a layer.
  std::string prefix;
};

// Inodes already archived, by (device, inode), with their first archive path.
using TarHardlinks = std::map<std::pair<dev_t, ino_t>, std::string>;

// Writes the file system object at `path`, lstat'ed as `st`, as the entry `archive_path`: mode,
// owner and times from `st`, a regular file's content (refused if the file was replaced since the
// lstat), a symlink's target, a device's numbers, extended attributes when `xattrs` (as in
// TarTreeOptions). An inode already in `hardlinks` becomes a hardlink to its first path; a socket
// is skipped (tar cannot hold one; GNU tar skips them too). Directories get a trailing '/'.
Status WriteFileEntry(TarWriter& writer, const std::string& path, const struct stat& st, std::string archive_path,
                      bool xattrs, TarHardlinks& hardlinks);

// Writes every file below `root` (not root itself), sorted bytewise by archive path (directories
// with their trailing '/', so a directory's contents directly follow it): the same tree gives the
// same archive. Symlinks are recorded, never followed; files sharing a device and inode
// become hardlinks to the first path; sockets are skipped. Directories get a trailing '/'.
Status WriteDirectoryTree(const std::string& root, TarWriter& writer,
                          const TarTreeOptions& options = {});

}  // namespace hoist
