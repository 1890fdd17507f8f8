#pragma once
// The Distribution API's URL shapes, read from the end of the path so that a repository name
// may itself contain "blobs" or "manifests".

#include <string>
#include <string_view>

namespace hoist::serve {

struct Route {
  enum class Kind { kPing, kCatalog, kTags, kManifest, kBlob, kUploadStart, kUpload, kReferrers, kMetrics, kUnknown };
  Kind kind = Kind::kUnknown;
  std::string name;    // the repository as the client wrote it
  std::string target;  // tag or digest (manifests), digest (blobs, referrers), session id (uploads)
};

Route ParseRoute(std::string_view path);

}  // namespace hoist::serve
