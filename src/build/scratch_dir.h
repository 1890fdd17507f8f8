#pragma once
// A fresh directory under a parent (the store's temp area), removed with everything in it when the
// object goes: the scratch space of a commit or a build.

#include <string>

#include "core/error.h"

namespace hoist::build {

class ScratchDir {
 public:
  // Creates PARENT/PREFIXxxxxxx (and PARENT, mode 0700, when missing).
  static Result<ScratchDir> Create(const std::string& parent, const std::string& prefix);
  ScratchDir(ScratchDir&& o) noexcept : parent_(std::move(o.parent_)), path_(std::move(o.path_)) { o.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  ScratchDir(std::string parent, std::string path) : parent_(std::move(parent)), path_(std::move(path)) {}
  std::string parent_, path_;
};

}  // namespace hoist::build
