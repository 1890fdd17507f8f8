#pragma once
// Upload sessions of interrupted pushes, one small file per (destination repository, blob) in the
// store's .hoist/resume/, so running the same push again continues each blob from the byte the
// registry already holds. The file holds the upload Location (a capability): mode 0600, never
// printed.

#include <optional>
#include <string>

#include "core/digest.h"
#include "core/error.h"
#include "registry/client/upload_session.h"

namespace hoist::transfer {

class ResumeState {
 public:
  // `dir` empty: resume disabled (nothing saved, nothing found).
  explicit ResumeState(std::string dir) : dir_(std::move(dir)) {}

  // `repository`: "host/name" of the destination.
  std::optional<registry::UploadSession> Find(const std::string& repository, const Digest& digest) const;
  Status Save(const std::string& repository, const Digest& digest, const registry::UploadSession& session) const;
  void Forget(const std::string& repository, const Digest& digest) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string FileFor(const std::string& repository, const Digest& digest) const;
  std::string dir_;
};

}  // namespace hoist::transfer
