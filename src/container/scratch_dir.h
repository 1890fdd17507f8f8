#pragma once
// A fresh directory under a parent (the store's temp area), removed with everything in it when the
// object goes: the scratch space of a commit or a build. It carries its owner lock (core/temp_owner.h),
// so the directory of a killed commit or build is reclaimed by `hoist prune` at once.

#include <string>

#include "core/error.h"
#include "core/temp_owner.h"

namespace hoist::container {

class ScratchDir {
 public:
  // Creates PARENT/PREFIXxxxxxx (and PARENT, mode 0700, when missing).
  static Result<ScratchDir> Create(const std::string& parent, const std::string& prefix);
  ScratchDir(ScratchDir&& o) noexcept
      : parent_(std::move(o.parent_)), path_(std::move(o.path_)), owner_(std::move(o.owner_)) {
    o.path_.clear();
  }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  ScratchDir(std::string parent, TempOwner owner)
      : parent_(std::move(parent)), path_(owner.path()), owner_(std::move(owner)) {}
  std::string parent_, path_;
  TempOwner owner_;
};

}  // namespace hoist::container
