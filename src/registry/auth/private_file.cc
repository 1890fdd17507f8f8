#include "registry/auth/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <vector>

namespace hoist::registry {

namespace {

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status MakeDirs(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Ok();
    return IOError("cannot create " + dir + ": a file of that name is in the way");
  }
  std::string parent = DirName(dir);
  if (parent != dir) HOIST_TRY(MakeDirs(parent));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoError("create directory " + dir, errno);
  return Ok();
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t w = ::write(fd, data.data() + done, data.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write " + path, errno);
    }
    done += static_cast<size_t>(w);
  }
  return Ok();
}

}  // namespace

Status WritePrivateFileAtomically(const std::string& path_in, std::string_view data) {
  std::string path = path_in;
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr) return ErrnoError("resolve symlink " + path, errno);
    path = resolved;
  }
  std::string dir = DirName(path);
  HOIST_TRY(MakeDirs(dir));

  std::string tmpl = path + ".tmp-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);  // mkostemp creates with mode 0600
  if (fd < 0) return ErrnoError("create temporary file next to " + path, errno);
  std::string tmp(name.data());
  auto fail = [&](Error e) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  if (::fchmod(fd, 0600) != 0) return fail(ErrnoError("chmod " + tmp, errno));
  if (Status s = WriteAll(fd, data, tmp); !s.ok()) return fail(std::move(s).error());
  if (::fsync(fd) != 0) return fail(ErrnoError("fsync " + tmp, errno));
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return ErrnoError("close " + tmp, errno);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoError("rename " + tmp + " to " + path, err);
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Ok();
}

}  // namespace hoist::registry
