#pragma once
// Repository names as a client sends them, and the layout's ref.name entries they stand for.
//
// A layout names images in index.json (org.opencontainers.image.ref.name): the store with full
// normalized references ("docker.io/library/alpine:3.19", "localhost/app:1"), a `mirror run --to
// dir:` bundle with repository paths ("library/alpine:3.19"), and entries pushed by digest only
// as "REPO@sha256:…". The repository is the part before the tag or digest; a client's name finds it
// verbatim, else in its normalized form ("library/alpine" finds the store's docker.io/library/alpine).
// Entries without a repository (skopeo's bare "v1") are not served.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "core/descriptor.h"
#include "core/digest.h"
#include "core/error.h"
#include "store/oci_layout.h"

namespace hoist::serve {

struct EntryName {
  std::string repository;
  std::string tag;              // empty for a digest-named entry
  std::optional<Digest> digest;
};
std::optional<EntryName> SplitEntryName(std::string_view ref_name);
std::string TagEntryName(const std::string& repository, const std::string& tag);
std::string DigestEntryName(const std::string& repository, const Digest& d);

// The distribution grammar for a name in a URL: lowercase path components joined by "/", the first
// of which may be a registry domain (the store's names carry one), at most Reference::kMaxPathLength
// characters besides the domain. NAME_INVALID answers carry the message.
Status ValidateRepositoryName(std::string_view name);

class NameIndex {
 public:
  explicit NameIndex(const std::vector<Descriptor>& manifests);

  std::optional<std::string> Find(const std::string& repo) const;
  const Descriptor* Tag(const std::string& repo, const std::string& tag) const;
  std::vector<std::string> Tags(const std::string& repo) const;  // sorted
  std::vector<std::string> Repositories() const;                 // sorted
  // Every entry of `repo` (tagged or named by digest), one per digest.
  std::vector<Descriptor> Entries(const std::string& repo) const;

 private:
  struct Repo {
    std::map<std::string, Descriptor> tags;
    std::map<std::string, Descriptor> by_digest;
  };
  std::map<std::string, Repo> repos_;
};

// The NameIndex of the layout's current index.json, rebuilt only when the file changed (it is
// replaced by rename, so its inode, size or mtime moves): a HEAD by tag costs one stat.
class NameCache {
 public:
  explicit NameCache(const store::OciLayout& layout) : layout_(layout) {}
  Result<std::shared_ptr<const NameIndex>> Get();

 private:
  const store::OciLayout& layout_;
  std::mutex mu_;
  std::shared_ptr<const NameIndex> cached_;
  ino_t ino_ = 0;
  off_t size_ = -1;
  int64_t mtime_ns_ = 0;
};

}  // namespace hoist::serve
