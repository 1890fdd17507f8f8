#include "transfer/resume_state.h"

#include <unistd.h>

#include "core/fs.h"

namespace hoist::transfer {

std::string ResumeState::FileFor(const std::string& repository, const Digest& digest) const {
  // A hash of the key: safe as a file name whatever the repository is called.
  return dir_ + "/upload-" + Digest::Of(repository + "\n" + digest.str()).hex() + ".json";
}

std::optional<registry::UploadSession> ResumeState::Find(const std::string& repository,
                                                         const Digest& digest) const {
  if (dir_.empty()) return std::nullopt;
  auto text = ReadFileToString(FileFor(repository, digest), 64 * 1024);
  if (!text.ok()) return std::nullopt;
  auto session = registry::DecodeUploadSession(*text);
  if (!session.ok()) return std::nullopt;
  return *session;
}

Status ResumeState::Save(const std::string& repository, const Digest& digest,
                         const registry::UploadSession& session) const {
  if (dir_.empty()) return Ok();
  HOIST_TRY(MakeDirs(dir_, 0700));
  return AtomicWriteFile(FileFor(repository, digest), registry::EncodeUploadSession(session), 0600);
}

void ResumeState::Forget(const std::string& repository, const Digest& digest) const {
  if (dir_.empty()) return;
  ::unlink(FileFor(repository, digest).c_str());
}

}  // namespace hoist::transfer
