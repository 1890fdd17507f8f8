#include "core/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace hoist {

Status WriteAllFd(int fd, const char* data, size_t n, const std::string& what) {
  while (n > 0) {
    ssize_t k = ::write(fd, data, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write " + what, errno);
    }
    data += k;
    n -= static_cast<size_t>(k);
  }
  return Ok();
}

Status FsyncFile(int fd, const std::string& what) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return ErrnoError("fsync " + what, errno);
  }
  return Ok();
}

void SpaceReserver::Wrote(int fd, uint64_t end) {
  if (size_ <= 0) return;
  if (end < last_end_) reserved_ = 0;
  last_end_ = end;
  const uint64_t size = static_cast<uint64_t>(size_);
  // Topped up once half of the reservation ahead is used: a call per 32 MiB written.
  if (reserved_ >= size || end + kReserveAhead / 2 < reserved_) return;
  const uint64_t from = std::max(reserved_, end);
  const uint64_t to = std::min(size, end + kReserveAhead);
  if (to <= from) return;
  (void)::fallocate(fd, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(from), static_cast<off_t>(to - from));
  reserved_ = to;
}

void WritebackPacer::Wrote(int fd, uint64_t end) {
  if (end < started_) started_ = 0;
  if (end - started_ < step_) return;
  (void)::sync_file_range(fd, static_cast<off64_t>(started_), static_cast<off64_t>(end - started_),
                          SYNC_FILE_RANGE_WRITE);
  started_ = end;
}

std::string DirName(const std::string& path) {
  size_t end = path.find_last_not_of('/');
  if (end == std::string::npos) return path.empty() ? "." : "/";
  size_t slash = path.rfind('/', end);
  if (slash == std::string::npos) return ".";
  size_t dir_end = path.find_last_not_of('/', slash);
  return dir_end == std::string::npos ? "/" : path.substr(0, dir_end + 1);
}

Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open directory " + dir, errno);
  auto st = FsyncFile(fd, dir);
  ::close(fd);
  return st;
}

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& path, mode_t mode) {
  std::string dir = DirName(path);
  std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  if (base.empty()) return InvalidArgument("cannot write a file at " + path + ": it names a directory");
  // Same directory as the target, so rename() cannot cross filesystems.
  std::string temp = dir + "/." + base + ".tmp-XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("create a temporary file for " + path, errno);
  if (::fchmod(fd, mode) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return ErrnoError("chmod " + temp, err);
  }
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, std::move(temp), fd));
}

AtomicFile::~AtomicFile() { Abandon(); }

void AtomicFile::Abandon() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(temp_.c_str());
}

Status AtomicFile::Write(const char* data, size_t n) {
  if (fd_ < 0) return Internal("write to " + path_ + " after it was committed or abandoned");
  HOIST_TRY(WriteAllFd(fd_, data, n, temp_));
  written_ += n;
  writeback_.Wrote(fd_, written_);
  return Ok();
}

Status AtomicFile::Commit() {
  if (fd_ < 0) return Internal("commit of " + path_ + " after it was committed or abandoned");
  auto fail = [&](Error e) {
    Abandon();
    return e;
  };
  auto synced = FsyncFile(fd_, temp_);
  if (!synced.ok()) return fail(std::move(synced).error());
  if (::close(fd_) != 0) {
    fd_ = -1;
    ::unlink(temp_.c_str());
    return ErrnoError("close " + temp_, errno);
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(temp_.c_str());
    return ErrnoError("rename " + temp_ + " to " + path_, err);
  }
  return FsyncDir(DirName(path_));
}

Status AtomicWriteFile(const std::string& path, std::string_view data, mode_t mode) {
  HOIST_TRY_ASSIGN(auto file, AtomicFile::Create(path, mode));
  HOIST_TRY(file->Write(data));
  return file->Commit();
}

FileLock& FileLock::operator=(FileLock&& o) noexcept {
  if (this != &o) {
    Release();
    fd_ = std::exchange(o.fd_, -1);
    path_ = std::move(o.path_);
  }
  return *this;
}

void FileLock::Release() {
  if (fd_ < 0) return;
  ::close(fd_);  // closing the only descriptor drops the flock
  fd_ = -1;
}

// The locked descriptor, or -1 when !wait and the lock is taken.
Result<int> FileLock::LockFd(const std::string& path, Mode mode, bool wait) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("open lock file " + path, errno);
  int op = (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
  while (::flock(fd, op) != 0) {
    int err = errno;
    if (err == EINTR) continue;
    ::close(fd);
    if (err == EWOULDBLOCK && !wait) return -1;
    return ErrnoError("lock " + path, err);
  }
  return fd;
}

Result<FileLock> FileLock::Acquire(const std::string& path, Mode mode) {
  HOIST_TRY_ASSIGN(int fd, LockFd(path, mode, /*wait=*/true));
  return FileLock(fd, path);
}

Result<std::optional<FileLock>> FileLock::TryAcquire(const std::string& path, Mode mode) {
  HOIST_TRY_ASSIGN(int fd, LockFd(path, mode, /*wait=*/false));
  if (fd < 0) return std::optional<FileLock>();
  return std::optional<FileLock>(FileLock(fd, path));
}

Status MakeDirs(const std::string& path, mode_t mode) {
  if (path.empty()) return InvalidArgument("cannot create a directory with an empty path");
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Ok();
    return Error(ErrorCode::kAlreadyExists, "cannot create directory " + path + ": a file is in the way");
  }
  std::string parent = DirName(path);
  if (parent != path && parent != "." && parent != "/") HOIST_TRY(MakeDirs(parent, mode));
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return ErrnoError("create directory " + path, errno);
  }
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Error(ErrorCode::kAlreadyExists, "cannot create directory " + path + ": a file is in the way");
  }
  return Ok();
}

namespace {

// Lists the directory open at `fd`, which it takes over (closed in all cases).
Result<std::vector<std::string>> ReadNames(int fd, const std::string& what) {
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    int err = errno;
    ::close(fd);
    return ErrnoError("read directory " + what, err);
  }
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    struct dirent* ent = ::readdir(d);
    if (ent == nullptr) break;
    std::string n = ent->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return ErrnoError("read directory " + what, err);
  std::sort(names.begin(), names.end());
  return names;
}

// Lists `path`; a missing directory is an error unless `missing_ok`.
Result<std::vector<std::string>> ListNames(const std::string& path, bool missing_ok) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (missing_ok && errno == ENOENT) return std::vector<std::string>{};
    return ErrnoError("open directory " + path, errno);
  }
  return ReadNames(fd, path);
}

}  // namespace

Result<std::vector<std::string>> ListDirNames(const std::string& path) { return ListNames(path, false); }

Result<std::vector<std::string>> ListDirNames(int dir_fd, const std::string& what) {
  // A descriptor of its own: closedir closes it, and readdir moves only its position.
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open directory " + what, errno);
  return ReadNames(fd, what);
}

Result<std::vector<std::string>> ListDirNamesIfExists(const std::string& path) { return ListNames(path, true); }

Result<std::string> ReadFileToString(const std::string& path, uint64_t limit) {
  HOIST_TRY_ASSIGN(auto reader, FdReader::Open(path));
  auto data = ReadAll(*reader, limit);
  if (!data.ok()) return std::move(data).error().WithContext("read " + path);
  return data;
}

}  // namespace hoist
