#include "build/scratch_dir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>

#include "build/root_dir.h"
#include "core/fs.h"

namespace hoist::build {

Result<ScratchDir> ScratchDir::Create(const std::string& parent, const std::string& prefix) {
  HOIST_TRY(MakeDirs(parent, 0700));
  std::string templ = parent + "/" + prefix + "XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) return ErrnoError("create a temp directory in " + parent, errno);
  return ScratchDir(parent, templ);
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  int fd = ::open(parent_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)RemoveTreeAt(fd, path_.substr(parent_.size() + 1), path_);
  ::close(fd);
}

}  // namespace hoist::build
