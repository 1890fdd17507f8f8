#pragma once
// What the API needs to know about a stored manifest (media type, subject, artifact type), read from
// its blob once: manifests are immutable, so an entry never goes stale.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/digest.h"
#include "core/error.h"
#include "store/oci_layout.h"

namespace hoist::serve {

struct ManifestInfo {
  std::string media_type;
  int64_t size = 0;
  std::optional<Digest> subject;
  std::string artifact_type;  // artifactType, else the config's media type (the referrers API's rule)
  std::map<std::string, std::string> annotations;
};

class ManifestInfoCache {
 public:
  // kNotFound when the blob is absent; kParse when it is no manifest or index.
  Result<ManifestInfo> Get(const store::OciLayout& layout, const Digest& d);

 private:
  std::mutex mu_;
  std::unordered_map<Digest, ManifestInfo> cache_;
};

}  // namespace hoist::serve
