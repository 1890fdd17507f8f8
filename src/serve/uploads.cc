#include "serve/uploads.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "core/fs.h"
#include "core/io.h"
#include "core/random_id.h"
#include "serve/limits.h"

namespace hoist::serve {

namespace {


Result<Digest> HashFile(const std::string& path, DigestAlgorithm alg) {
  HOIST_TRY_ASSIGN(auto reader, FdReader::Open(path));
  Hasher h(alg);
  ByteBuffer buf(1 << 20);
  for (;;) {
    HOIST_TRY_ASSIGN(size_t n, reader->Read(buf.data(), buf.size()));
    if (n == 0) break;
    h.Update(buf.data(), n);
  }
  return h.Finish();
}

}  // namespace

bool UploadSessions::ValidId(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status UploadSessions::Init() {
  const std::string dir = layout_.paths().UploadsDir();
  HOIST_TRY(MakeDirs(dir));
  HOIST_TRY_ASSIGN(auto names, ListDirNames(dir));
  const auto now = std::chrono::system_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& id : names) {
    if (!ValidId(id)) continue;
    struct stat st;
    if (::stat(SpoolPath(id).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    auto mtime = std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec);
    if (now - mtime > kUploadMaxAge) {
      ::unlink(SpoolPath(id).c_str());
      continue;
    }
    sessions_.try_emplace(id);
  }
  return Ok();
}

Result<std::string> UploadSessions::Create() {
  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.size() >= max_sessions_) {
    return TooLarge("too many upload sessions open (" + std::to_string(max_sessions_) +
                    ", --max-uploads): finish or cancel one, or retry later");
  }
  HOIST_TRY_ASSIGN(std::string id, RandomHex(16));
  int fd = ::open(SpoolPath(id).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("create upload " + SpoolPath(id), errno);
  ::close(fd);
  sessions_.try_emplace(id);
  return id;
}

bool UploadSessions::WaitUntilFree(std::unique_lock<std::mutex>& lock, const std::string& id) {
  return released_.wait_for(lock, kBusyUploadWait, [&] {
    auto it = sessions_.find(id);
    return it == sessions_.end() || !it->second.busy;
  });
}

Result<uint64_t> UploadSessions::Size(const std::string& id) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    WaitUntilFree(lock, id);  // still busy after the wait: the size so far
    if (!sessions_.count(id)) return NotFound("upload " + id + " is unknown (finished, cancelled or expired)");
  }
  struct stat st;
  if (::stat(SpoolPath(id).c_str(), &st) != 0) return NotFound("upload " + id + " is unknown");
  return static_cast<uint64_t>(st.st_size);
}

size_t UploadSessions::open_sessions() {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

Result<std::unique_ptr<UploadSessions::Lease>> UploadSessions::Acquire(const std::string& id) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    const bool free = WaitUntilFree(lock, id);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return NotFound("upload " + id + " is unknown (finished, cancelled or expired)");
    if (!free) return Error(ErrorCode::kConflict, "upload " + id + " is in use by another request");
    it->second.busy = true;
  }
  int fd = ::open(SpoolPath(id).c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    Release(id, err == ENOENT);
    return err == ENOENT ? Error(NotFound("upload " + id + " is unknown")) : ErrnoError("open upload " + id, err);
  }
  return std::unique_ptr<Lease>(new Lease(*this, id, fd, static_cast<uint64_t>(st.st_size)));
}

void UploadSessions::Release(const std::string& id, bool erase) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    if (erase) {
      sessions_.erase(it);
    } else {
      it->second.busy = false;
    }
  }
  released_.notify_all();
}

UploadSessions::Lease::~Lease() {
  if (fd_ >= 0) ::close(fd_);
  if (!done_) owner_.Release(id_, false);
}

Status UploadSessions::Lease::Fits(uint64_t n) const {
  if (n > owner_.max_blob_size_ || size_ + n > owner_.max_blob_size_) {
    return TooLarge("the blob is larger than the server's limit of " + std::to_string(owner_.max_blob_size_) +
                    " bytes (--max-blob-size)");
  }
  return Ok();
}

Status UploadSessions::Lease::Append(const char* data, size_t n) {
  HOIST_TRY(Fits(n));
  {
    // Only the lease holder touches its session's hasher; the map node is stable while busy.
    std::lock_guard<std::mutex> lock(owner_.mu_);
    Session& s = owner_.sessions_.at(id_);
    if (s.hashed == size_) {
      s.hasher.Update(data, n);
      s.hashed += n;
    }
  }
  HOIST_TRY(WriteAllFd(fd_, data, n, owner_.SpoolPath(id_)));
  size_ += n;
  return Ok();
}

Status UploadSessions::Commit(Lease& lease, const Digest& expected) {
  const std::string path = SpoolPath(lease.id_);
  Digest got = Digest::Of("");
  {
    std::unique_lock<std::mutex> lock(mu_);
    Session& s = sessions_.at(lease.id_);
    if (s.hashed == lease.size_ && expected.algorithm() == s.hasher.algorithm()) {
      got = s.hasher.Finish();
    } else {
      lock.unlock();
      auto hashed = HashFile(path, expected.algorithm());
      if (!hashed.ok()) return std::move(hashed).error();
      got = *hashed;
    }
  }
  ::close(lease.fd_);
  lease.fd_ = -1;
  lease.done_ = true;
  Status result = Ok();
  if (!(got == expected)) {
    ::unlink(path.c_str());
    result = DigestMismatch("the uploaded bytes (" + std::to_string(lease.size_) + ") hash to " + got.str() +
                            ", not " + expected.str() + ": nothing was stored");
  } else {
    auto write = layout_.BeginWrite();  // the gc lock: prune waits while the blob goes in
    if (!write.ok()) {
      result = std::move(write).error();
    } else {
      result = layout_.AdoptVerifiedFile(path, expected);
    }
    if (!result.ok()) ::unlink(path.c_str());
  }
  Release(lease.id_, true);
  return result;
}

Status UploadSessions::Cancel(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return NotFound("upload " + id + " is unknown (finished, cancelled or expired)");
    if (it->second.busy) return Error(ErrorCode::kConflict, "upload " + id + " is in use by another request");
    sessions_.erase(it);
  }
  ::unlink(SpoolPath(id).c_str());
  return Ok();
}

}  // namespace hoist::serve
