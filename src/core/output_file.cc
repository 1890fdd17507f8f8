// OutputFile: the one place that decides how a user-named output path is written.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "core/output_file.h"

namespace hoist {

namespace {
// As the kernel's limit on nested symlinks (MAXSYMLINKS).
constexpr int kMaxOutputSymlinks = 40;

const char* KindOf(mode_t mode) {
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a directory";
  return "not a regular file";
}
}  // namespace

Result<std::string> ResolveOutputPath(const std::string& path) {
  std::string p = path;
  for (int hops = 0; hops <= kMaxOutputSymlinks; ++hops) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) return p;
      return ErrnoError("cannot write " + path + ": stat " + p, errno);
    }
    if (!S_ISLNK(st.st_mode)) return p;
    char buf[PATH_MAX];
    ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
    if (n < 0) return ErrnoError("cannot write " + path + ": readlink " + p, errno);
    std::string target(buf, static_cast<size_t>(n));
    if (target.empty()) return InvalidArgument("cannot write " + path + ": the symlink " + p + " is empty");
    p = target.front() == '/' ? target : DirName(p) + "/" + target;
  }
  return ErrnoError("cannot write " + path + ": more than " + std::to_string(kMaxOutputSymlinks) +
                        " symlinks (kMaxOutputSymlinks)",
                    ELOOP);
}

Result<std::unique_ptr<OutputFile>> OutputFile::Open(const std::string& path, OutputFileOptions options) {
  if (path.empty()) return InvalidArgument("an output path must not be empty");
  std::unique_ptr<OutputFile> out(new OutputFile());
  // stat follows every link the way open will, /proc's magic links too (/dev/stdout is
  // /proc/self/fd/1, whose readlink text may be "pipe:[1234]", not a path).
  struct stat st;
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    return Error(ErrorCode::kAlreadyExists, "cannot write " + path + ": it is a directory");
  }
  if (exists && !S_ISREG(st.st_mode)) {
    if (!options.allow_special) {
      return InvalidArgument("refusing to write " + path + ": it is " + KindOf(st.st_mode) +
                             ", and this file must be a regular file");
    }
    // O_NOCTTY: a terminal named here must not become our controlling one. A FIFO blocks here
    // until it has a reader, as with any writer.
    int fd;
    do {
      fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return ErrnoError("open " + path + " (" + KindOf(st.st_mode) + ") for writing", errno);
    struct stat now;
    if (::fstat(fd, &now) == 0 && !S_ISREG(now.st_mode)) {
      out->path_ = path;
      out->fd_ = fd;
      return out;
    }
    ::close(fd);  // it became a regular file meanwhile: replace it like one
  }
  // A regular file or a new path: replaced atomically where the symlinks lead.
  HOIST_TRY_ASSIGN(out->path_, ResolveOutputPath(path));
  HOIST_TRY_ASSIGN(out->atomic_, AtomicFile::Create(out->path_, options.mode));
  return out;
}

OutputFile::~OutputFile() { Abandon(); }

const std::string& OutputFile::temp_path() const {
  static const std::string kNone;
  return atomic_ ? atomic_->temp_path() : kNone;
}

Status OutputFile::Write(const char* data, size_t n) {
  if (atomic_) return atomic_->Write(data, n);
  if (fd_ < 0) return Internal("write to " + path_ + " after it was committed or abandoned");
  return WriteAllFd(fd_, data, n, path_);
}

Status OutputFile::Commit() {
  if (atomic_) {
    auto st = atomic_->Commit();
    atomic_.reset();
    return st;
  }
  if (fd_ < 0) return Internal("commit of " + path_ + " after it was committed or abandoned");
  int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0 && errno != EINTR) return ErrnoError("close " + path_, errno);
  return Ok();
}

void OutputFile::Abandon() {
  if (atomic_) {
    atomic_->Abandon();
    atomic_.reset();
  }
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

Status WriteOutputFile(const std::string& path, std::string_view data, OutputFileOptions options) {
  HOIST_TRY_ASSIGN(auto file, OutputFile::Open(path, options));
  HOIST_TRY(file->Write(data));
  return file->Commit();
}

}  // namespace hoist
