#pragma once
// User-named outputs (-o FILE, --iidfile, key files, build --output): how a path is written
// depends on what is there, decided here once for every command.

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/fs.h"
#include "core/io.h"

namespace hoist {

// Where a user-named output (-o FILE, --iidfile, key files…) goes. A regular file or a new path is
// written through an AtomicFile next to it and renamed into place; a symlink is followed to its
// target (the link stays and the target is replaced); anything else that can be opened for writing
// (a character device, a FIFO, a block device) is written into directly, as `docker save -o
// /dev/stdout` does, because replacing it would destroy something hoist does not own.
struct OutputFileOptions {
  mode_t mode = 0644;         // of a new or replaced file
  bool allow_special = true;  // false: refuse a device or FIFO (a private key must land in a 0600 file)
};

class OutputFile : public Writer {
 public:
  static Result<std::unique_ptr<OutputFile>> Open(const std::string& path, OutputFileOptions options = {});
  ~OutputFile() override;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  using Writer::Write;
  Status Write(const char* data, size_t n) override;
  // Atomic: fsync, rename into place. Direct: close, reporting a late write error. Spent afterwards.
  Status Commit();
  // Atomic: the temp file goes, the target is untouched. Direct: just closes (written bytes stay).
  void Abandon();

  // True when the output is a temp file renamed into place at Commit (then temp_path() can be
  // reopened to patch bytes already written); false when it is written into directly.
  bool atomic() const { return atomic_ != nullptr; }
  const std::string& temp_path() const;
  // The path written to: the symlink's target when `path` was a symlink.
  const std::string& path() const { return path_; }

 private:
  OutputFile() = default;
  std::string path_;
  std::unique_ptr<AtomicFile> atomic_;
  int fd_ = -1;  // direct output
};

// Follows `path` while it is a symlink (relative targets from the link's directory); returns the
// first path that is not one (it may not exist). ELOOP after 40 links.
Result<std::string> ResolveOutputPath(const std::string& path);

// OutputFile::Open + Write + Commit.
Status WriteOutputFile(const std::string& path, std::string_view data, OutputFileOptions options = {});

}  // namespace hoist
