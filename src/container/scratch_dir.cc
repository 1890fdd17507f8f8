#include "container/scratch_dir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>

#include "container/root_dir.h"
#include "core/fs.h"

namespace hoist::container {

Result<ScratchDir> ScratchDir::Create(const std::string& parent, const std::string& prefix) {
  HOIST_TRY_ASSIGN(TempOwner owner, TempOwner::CreateDir(parent, prefix));
  return ScratchDir(parent, std::move(owner));
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  int fd = ::open(parent_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)RemoveTreeAt(fd, path_.substr(parent_.size() + 1), path_);
  ::close(fd);
}

}  // namespace hoist::container
