#pragma once
// Temp space that says whether its owner is alive. A temp file or directory in a shared temp area
// (the store's .hoist/tmp) carries an flock(2) of the process that made it, held for as long as it
// is in use; the kernel drops the lock when that process dies, however it dies (SIGKILL, OOM). So
// an entry whose lock is free is a leftover and can be removed at once, not after a day.
//
// An entry is visible for a moment before its owner locks it. A sweeper that locks it first removes
// it; the creator notices (its lock fails, or the path no longer holds what it created) and makes
// another one, so neither side ever takes the other's entry.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace hoist {

class TempOwner {
 public:
  // DIR/PREFIXxxxxxx as a file (mode `mode`, fd() open read-write) or a directory (fd() is the
  // directory), created with its owner lock held. DIR is created (0700) when missing.
  static Result<TempOwner> CreateFile(const std::string& dir, const std::string& prefix, mode_t mode = 0600);
  static Result<TempOwner> CreateDir(const std::string& dir, const std::string& prefix);

  TempOwner() = default;
  TempOwner(TempOwner&& o) noexcept : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)) {}
  TempOwner& operator=(TempOwner&& o) noexcept;
  TempOwner(const TempOwner&) = delete;
  TempOwner& operator=(const TempOwner&) = delete;
  // Closes fd() and with it the lock; removes nothing (the owner removes or renames its entry first).
  ~TempOwner() { Release(); }
  void Release();

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  TempOwner(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

struct OwnerlessTemp {
  std::string path;
  uint64_t bytes = 0;  // a directory: the files inside it
  bool removed = false;
};

// The entries of `dir` whose owner lock is free (their owner died or never locked them, as hoist
// before owner locks did); with `remove`, each is removed (a directory with everything in it). A
// missing `dir` has none.
Result<std::vector<OwnerlessTemp>> FindOwnerlessTemps(const std::string& dir, bool remove);

}  // namespace hoist
