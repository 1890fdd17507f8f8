#pragma once
// Where an archive (save, export) is written: a file given by -o, replaced atomically when the
// archive is complete, or standard output. Regular files can have tar headers patched in place
// (see ArchiveOutput); pipes cannot.

#include <memory>
#include <string>

#include "core/error.h"
#include "core/fs.h"
#include "core/output_file.h"
#include "core/io.h"
#include "store/oci_archive_writer.h"

namespace hoist::store {

class ArchiveFileOutput {
 public:
  // `path` "-" is standard output. `spool_dir` holds temp files when the output cannot be patched.
  static Result<std::unique_ptr<ArchiveFileOutput>> Open(const std::string& path, const std::string& spool_dir);
  ~ArchiveFileOutput();
  ArchiveFileOutput(const ArchiveFileOutput&) = delete;
  ArchiveFileOutput& operator=(const ArchiveFileOutput&) = delete;

  ArchiveOutput target() const { return target_; }
  Writer& writer() { return *writer_; }
  // The file appears (renamed into place); a device, FIFO or standard output is just closed/flushed.
  Status Commit();
  const std::string& describe() const { return path_; }

 private:
  ArchiveFileOutput() = default;
  std::string path_;
  std::unique_ptr<OutputFile> file_;
  std::unique_ptr<Writer> stdout_;
  Writer* writer_ = nullptr;
  int patch_fd_ = -1;
  bool own_patch_fd_ = false;
  ArchiveOutput target_;
};

}  // namespace hoist::store
