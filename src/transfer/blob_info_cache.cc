#include "transfer/blob_info_cache.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "core/json_parse.h"

namespace hoist::transfer {

BlobInfoCache::BlobInfoCache(std::string file) : file_(std::move(file)) {}

void BlobInfoCache::Load() {
  if (file_.empty()) return;
  auto text = ReadFileToString(file_, 64 << 20);
  if (!text.ok()) return;
  auto parsed = ParseJson(*text);
  if (!parsed.ok() || !parsed->is_object()) return;
  const nlohmann::json& j = *parsed;
  std::lock_guard lock(mu_);
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!Digest::Parse(it.key()).ok() || !it.value().is_array()) continue;
    std::vector<std::string> where;
    for (const auto& e : it.value()) {
      if (e.is_string() && where.size() < kMaxPerDigest) where.push_back(e.get<std::string>());
    }
    seen_[it.key()] = std::move(where);
  }
}

Status BlobInfoCache::Save() {
  std::lock_guard lock(mu_);
  if (file_.empty() || !dirty_) return Ok();
  while (seen_.size() > kMaxDigests) seen_.erase(seen_.begin());
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [digest, where] : seen_) j[digest] = where;
  HOIST_TRY(MakeDirs(DirName(file_)));
  HOIST_TRY(AtomicWriteFile(file_, DumpJson(j)));
  dirty_ = false;
  return Ok();
}

void BlobInfoCache::Record(const Digest& digest, const std::string& host, const std::string& repository) {
  std::string where = host + "/" + repository;
  std::lock_guard lock(mu_);
  auto& list = seen_[digest.str()];
  if (!list.empty() && list.front() == where) return;
  list.erase(std::remove(list.begin(), list.end(), where), list.end());
  list.insert(list.begin(), where);
  if (list.size() > kMaxPerDigest) list.resize(kMaxPerDigest);
  dirty_ = true;
}

std::vector<std::string> BlobInfoCache::RepositoriesOn(const Digest& digest, const std::string& host) const {
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  auto it = seen_.find(digest.str());
  if (it == seen_.end()) return out;
  const std::string prefix = host + "/";
  for (const auto& where : it->second) {
    if (where.rfind(prefix, 0) == 0) out.push_back(where.substr(prefix.size()));
  }
  return out;
}

}  // namespace hoist::transfer
