#include "serve/repo_names.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "core/reference.h"

namespace hoist::serve {

std::optional<EntryName> SplitEntryName(std::string_view raw) {
  EntryName out;
  if (size_t at = raw.find('@'); at != std::string_view::npos) {
    auto d = Digest::Parse(raw.substr(at + 1));
    if (!d.ok()) return std::nullopt;
    out.digest = *d;
    raw = raw.substr(0, at);
    size_t slash = raw.rfind('/');
    size_t colon = raw.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
      raw = raw.substr(0, colon);  // "repo:tag@digest": the digest names it
    }
    if (raw.empty()) return std::nullopt;
    out.repository = std::string(raw);
    return out;
  }
  size_t slash = raw.rfind('/');
  size_t colon = raw.rfind(':');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash) || colon == 0) {
    return std::nullopt;
  }
  out.repository = std::string(raw.substr(0, colon));
  out.tag = std::string(raw.substr(colon + 1));
  if (!Reference::ValidateTag(out.tag).ok()) return std::nullopt;
  return out;
}

std::string TagEntryName(const std::string& repository, const std::string& tag) { return repository + ":" + tag; }

std::string DigestEntryName(const std::string& repository, const Digest& d) { return repository + "@" + d.str(); }

Status ValidateRepositoryName(std::string_view name) {
  auto invalid = [&](const std::string& why) {
    return InvalidArgument("invalid repository name \"" + std::string(name.substr(0, 300)) + "\": " + why);
  };
  if (name.empty()) return invalid("it is empty");
  std::string_view path = name;
  size_t slash = name.find('/');
  if (slash != std::string_view::npos) {
    std::string_view first = name.substr(0, slash);
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost") {
      if (Reference::ValidateDomain(first).ok() && Reference::ValidateRepository(name.substr(slash + 1)).ok()) {
        return Ok();
      }
    }
  }
  if (path.size() > Reference::kMaxPathLength) {
    return invalid("longer than " + std::to_string(Reference::kMaxPathLength) + " characters");
  }
  if (!Reference::ValidateRepository(path).ok()) {
    return invalid("a name is lowercase letters, digits and separators (. _ __ -) in /-separated parts");
  }
  return Ok();
}

NameIndex::NameIndex(const std::vector<Descriptor>& manifests) {
  for (const auto& d : manifests) {
    auto it = d.annotations.find(store::kRefNameAnnotation);
    if (it == d.annotations.end()) continue;
    auto name = SplitEntryName(it->second);
    if (!name) continue;
    Repo& repo = repos_[name->repository];
    if (!name->tag.empty()) repo.tags[name->tag] = d;
    repo.by_digest.emplace(d.digest.str(), d);
  }
}

std::optional<std::string> NameIndex::Find(const std::string& repo) const {
  if (repos_.count(repo)) return repo;
  auto ref = Reference::Parse(repo, ReferenceParseOptions{.default_tag = false});
  if (ref.ok() && !ref->tag() && !ref->digest()) {
    std::string full = ref->name();
    if (repos_.count(full)) return full;
  }
  return std::nullopt;
}

const Descriptor* NameIndex::Tag(const std::string& repo, const std::string& tag) const {
  auto r = repos_.find(repo);
  if (r == repos_.end()) return nullptr;
  auto t = r->second.tags.find(tag);
  return t == r->second.tags.end() ? nullptr : &t->second;
}

std::vector<std::string> NameIndex::Tags(const std::string& repo) const {
  std::vector<std::string> out;
  auto r = repos_.find(repo);
  if (r == repos_.end()) return out;
  for (const auto& [tag, d] : r->second.tags) out.push_back(tag);
  return out;  // std::map: already sorted
}

std::vector<std::string> NameIndex::Repositories() const {
  std::vector<std::string> out;
  for (const auto& [name, r] : repos_) out.push_back(name);
  return out;
}

std::vector<Descriptor> NameIndex::Entries(const std::string& repo) const {
  std::vector<Descriptor> out;
  auto r = repos_.find(repo);
  if (r == repos_.end()) return out;
  for (const auto& [digest, d] : r->second.by_digest) out.push_back(d);
  return out;
}

Result<std::shared_ptr<const NameIndex>> NameCache::Get() {
  struct stat st;
  const std::string path = layout_.paths().IndexFile();
  if (::stat(path.c_str(), &st) != 0) return ErrnoError("stat " + path, errno);
  const int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_ && st.st_ino == ino_ && st.st_size == size_ && mtime_ns == mtime_ns_) return cached_;
  }
  HOIST_TRY_ASSIGN(Index index, layout_.ReadIndex());
  auto fresh = std::make_shared<const NameIndex>(index.manifests());
  std::lock_guard<std::mutex> lock(mu_);
  cached_ = fresh;
  ino_ = st.st_ino;
  size_ = st.st_size;
  mtime_ns_ = mtime_ns;
  return fresh;
}

}  // namespace hoist::serve
