#include "core/temp_owner.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "core/fs.h"

namespace hoist {

namespace {

// Attempts at a fresh name when a sweep took the previous one (two in a row is already unlikely).
constexpr int kTempCreateAttempts = 8;

// One attempt: the locked descriptor, or -1 when a sweep got the entry first.
Result<int> CreateOnce(std::string& path, bool directory, mode_t mode) {
  int fd = -1;
  if (directory) {
    if (::mkdtemp(path.data()) == nullptr) {
      return ErrnoError("create a temporary directory in " + DirName(path), errno);
    }
    fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return -1;  // swept already
      return ErrnoError("open " + path, errno);
    }
  } else {
    fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) return ErrnoError("create a temporary file in " + DirName(path), errno);
    if (::fchmod(fd, mode) != 0) {
      int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return ErrnoError("chmod " + path, err);
    }
  }
  struct stat held, now;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || ::fstat(fd, &held) != 0 || ::stat(path.c_str(), &now) != 0 ||
      held.st_ino != now.st_ino || held.st_dev != now.st_dev) {
    ::close(fd);  // a sweep is removing it (or did): leave it to the sweep
    return -1;
  }
  return fd;
}

Result<TempOwner> Create(const std::string& dir, const std::string& prefix, bool directory, mode_t mode,
                         TempOwner (*make)(int, std::string)) {
  HOIST_TRY(MakeDirs(dir, 0700));
  for (int attempt = 0; attempt < kTempCreateAttempts; ++attempt) {
    std::string path = dir + "/" + prefix + "XXXXXX";
    HOIST_TRY_ASSIGN(int fd, CreateOnce(path, directory, mode));
    if (fd >= 0) return make(fd, std::move(path));
  }
  return Error(ErrorCode::kIO, "cannot create a temporary entry in " + dir + ": a concurrent `hoist prune` removed " +
                                   std::to_string(kTempCreateAttempts) + " in a row (kTempCreateAttempts)");
}

uint64_t BytesUnder(const std::string& path, const struct stat& st) {
  if (!S_ISDIR(st.st_mode)) return S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      auto n = it->file_size(size_ec);
      if (!size_ec) total += n;
    }
  }
  return total;
}

}  // namespace

Result<TempOwner> TempOwner::CreateFile(const std::string& dir, const std::string& prefix, mode_t mode) {
  return Create(dir, prefix, false, mode, [](int fd, std::string p) { return TempOwner(fd, std::move(p)); });
}

Result<TempOwner> TempOwner::CreateDir(const std::string& dir, const std::string& prefix) {
  return Create(dir, prefix, true, 0, [](int fd, std::string p) { return TempOwner(fd, std::move(p)); });
}

TempOwner& TempOwner::operator=(TempOwner&& o) noexcept {
  if (this != &o) {
    Release();
    fd_ = std::exchange(o.fd_, -1);
    path_ = std::move(o.path_);
  }
  return *this;
}

void TempOwner::Release() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

Result<std::vector<OwnerlessTemp>> FindOwnerlessTemps(const std::string& dir, bool remove) {
  std::vector<OwnerlessTemp> out;
  struct stat dst;
  if (::stat(dir.c_str(), &dst) != 0 || !S_ISDIR(dst.st_mode)) return out;
  HOIST_TRY_ASSIGN(auto names, ListDirNames(dir));
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) continue;
    int fd = -1;
    if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd < 0) continue;  // gone meanwhile, or not ours to open
      if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {  // its owner is alive
        ::close(fd);
        continue;
      }
    }
    // Held while removing, so nothing mistakes the entry for a live one half-way.
    OwnerlessTemp t{path, BytesUnder(path, st), false};
    if (remove) {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
      t.removed = !ec;
    }
    if (fd >= 0) ::close(fd);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace hoist
