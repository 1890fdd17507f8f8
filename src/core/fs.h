#pragma once
// Local filesystem helpers: atomic writes (temp file + fsync + rename + directory fsync, so a
// reader sees the old file or the whole new one, never a part), advisory file locks, mkdir -p.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/io.h"

namespace hoist {

// write(2) all of `data` to `fd`, retrying short writes and EINTR; `what` names the file in errors.
Status WriteAllFd(int fd, const char* data, size_t n, const std::string& what);
// fsync(2), retrying EINTR.
Status FsyncFile(int fd, const std::string& what);

// Reserves disk blocks just ahead of a file written front to back toward `size` bytes
// (fallocate FALLOC_FL_KEEP_SIZE, so a partial file still ends where its bytes end): ext4 then
// skips its delayed-allocation work for every written block, 0.08 s of CPU per GiB. At most
// kReserveAhead past the bytes written is ever reserved, so a size claimed by hostile input (a
// manifest's 900 GB layer) holds no more disk than that. Only a hint: where fallocate is not
// supported or fails, writing goes on as before (and a full disk is reported by the write).
class SpaceReserver {
 public:
  static constexpr uint64_t kReserveAhead = 64 << 20;
  // `size` < 0: unknown, nothing is reserved.
  explicit SpaceReserver(int64_t size = -1) : size_(size) {}
  // `end`: the file offset just after the bytes written (smaller than before: truncated, which
  // freed what was reserved).
  void Wrote(int fd, uint64_t end);

 private:
  int64_t size_;
  uint64_t reserved_ = 0;  // blocks are reserved for [0, reserved_)
  uint64_t last_end_ = 0;
};

// Keeps a file that is being written flowing to disk: every `step` bytes it starts writeback of
// what was written so far (sync_file_range, without waiting), so the fsync at the end waits for
// the tail only and the disk works while hoist reads, hashes or decompresses. Only a hint: where
// the call is not supported, the final fsync does all the work as before.
class WritebackPacer {
 public:
  explicit WritebackPacer(uint64_t step = 8 << 20) : step_(step) {}
  // `end`: the file offset just after the bytes written (the file is written front to back; a
  // smaller `end` than before means it was truncated and starts again).
  void Wrote(int fd, uint64_t end);

 private:
  uint64_t step_;
  uint64_t started_ = 0;  // writeback was started for [0, started_)
};

// Replaces `path` with `data` atomically; the file gets exactly `mode` (umask is not applied).
Status AtomicWriteFile(const std::string& path, std::string_view data, mode_t mode = 0644);

// A file written through a temp file next to `path`; Commit() makes it appear atomically.
// Destroying it without Commit() removes the temp file and leaves `path` untouched.
class AtomicFile : public Writer {
 public:
  static Result<std::unique_ptr<AtomicFile>> Create(const std::string& path, mode_t mode = 0644);
  ~AtomicFile() override;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  using Writer::Write;
  Status Write(const char* data, size_t n) override;
  // fsync, rename over `path`, fsync the directory. The object is spent afterwards.
  Status Commit();
  // Removes the temp file now (what the destructor does).
  void Abandon();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_; }

 private:
  AtomicFile(std::string path, std::string temp, int fd)
      : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}
  std::string path_;
  std::string temp_;
  int fd_;
  uint64_t written_ = 0;
  WritebackPacer writeback_;
};

// An flock(2) advisory lock on a lock file (created if missing), released when destroyed.
// Locks taken through different open() calls exclude each other, also within one process.
class FileLock {
 public:
  enum class Mode { kShared, kExclusive };

  // Blocks until the lock is granted.
  static Result<FileLock> Acquire(const std::string& path, Mode mode = Mode::kExclusive);
  // Returns std::nullopt at once if someone else holds a conflicting lock.
  static Result<std::optional<FileLock>> TryAcquire(const std::string& path,
                                                    Mode mode = Mode::kExclusive);

  FileLock(FileLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)) {}
  FileLock& operator=(FileLock&& o) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock() { Release(); }

  void Release();
  bool held() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  FileLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  static Result<int> LockFd(const std::string& path, Mode mode, bool wait);
  int fd_;
  std::string path_;
};

// mkdir -p: creates `path` and missing parents with `mode` (subject to umask); existing
// directories are fine, an existing non-directory is an error.
Status MakeDirs(const std::string& path, mode_t mode = 0755);

// fsync a directory, so a rename or create inside it survives a crash.
Status FsyncDir(const std::string& dir);

// The names of the entries of directory `path`, without "." and "..", sorted (readdir's order
// differs between filesystems). Names only: callers needing types lstat what they keep.
Result<std::vector<std::string>> ListDirNames(const std::string& path);
// As ListDirNames, but a missing directory (ENOENT) lists as empty.
Result<std::vector<std::string>> ListDirNamesIfExists(const std::string& path);
// The same for the open directory `dir_fd` (left open, its position untouched), for walks that
// must not follow paths again; `what` names it in errors.
Result<std::vector<std::string>> ListDirNames(int dir_fd, const std::string& what);

// Reads a whole file, refusing (kTooLarge) more than `limit` bytes.
Result<std::string> ReadFileToString(const std::string& path, uint64_t limit);

// "a/b/c" → "a/b"; "c" → "."; "/c" → "/".
std::string DirName(const std::string& path);

}  // namespace hoist
