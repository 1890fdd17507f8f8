#pragma once
// Where blobs were last seen (registry host + repository), so a copy into another repository of
// the same registry can mount instead of upload — skopeo's blob-info cache in miniature. Kept in
// the store's .hoist/blob-locations.json; losing it only costs uploads, never correctness.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/digest.h"
#include "core/error.h"

namespace hoist::transfer {

class BlobInfoCache {
 public:
  // `file` empty: in memory only.
  explicit BlobInfoCache(std::string file = "");
  // Reads the file if it exists; a damaged file is ignored (the cache is only a hint).
  void Load();
  // Writes atomically; no-op when nothing changed.
  Status Save();

  // `repository` as "host/repo/path". Thread-safe.
  void Record(const Digest& digest, const std::string& host, const std::string& repository);
  // Repositories on `host` known to hold `digest`, most recent first.
  std::vector<std::string> RepositoriesOn(const Digest& digest, const std::string& host) const;

  static constexpr size_t kMaxDigests = 20000;
  static constexpr size_t kMaxPerDigest = 8;

 private:
  std::string file_;
  mutable std::mutex mu_;
  // digest → "host/repository" entries, most recent first
  std::map<std::string, std::vector<std::string>> seen_;
  bool dirty_ = false;
};

}  // namespace hoist::transfer
