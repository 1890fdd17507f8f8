// Referrers of a manifest: the OCI 1.1 referrers API, else the referrers tag schema.

#include "core/manifest.h"
#include "core/media_types.h"
#include "registry/client/client_util.h"
#include "registry/client/repository.h"

namespace hoist::registry {

namespace {

std::vector<Descriptor> Filter(std::vector<Descriptor> all, std::string_view artifact_type) {
  if (artifact_type.empty()) return all;
  std::erase_if(all, [&](const Descriptor& d) { return d.artifact_type != artifact_type; });
  return all;
}

}  // namespace

std::string ReferrersTag(const Digest& subject) {
  return std::string(subject.algorithm_name()) + "-" + subject.hex();
}

Result<std::vector<Descriptor>> Repository::ListReferrers(const Digest& subject,
                                                          std::string_view artifact_type) const {
  const std::string context = "list referrers of " + subject.str() + " in " + display_name();
  Request req;
  req.url = Url("/referrers/" + subject.str());
  if (!artifact_type.empty()) {
    req.url = client_detail::AppendQuery(req.url, "artifactType", artifact_type);
  }
  req.SetHeader("Accept", std::string(kOciIndex));
  req.max_buffered_body = kMaxManifestSize;
  HOIST_TRY_ASSIGN(Response resp, client_detail::Send(*http_, req, context));

  if (resp.status == 404) {
    // No referrers API: the tag schema keeps them in an index tagged "<alg>-<hex>".
    Result<FetchedManifest> fallback = GetManifest(ReferrersTag(subject));
    if (!fallback.ok()) {
      if (fallback.error().code() == ErrorCode::kNotFound) return std::vector<Descriptor>();
      return std::move(fallback).error().WithContext(context);
    }
    Result<Index> index = Index::Parse(std::move(fallback->bytes), fallback->media_type);
    if (!index.ok()) {
      return std::move(index).error().WithContext(context + ": tag " + ReferrersTag(subject));
    }
    return Filter(index->manifests(), artifact_type);
  }
  if (!resp.ok()) return client_detail::HttpError(resp, context);
  if (resp.status != 200) return client_detail::UnexpectedStatus(resp, "200", context);
  Result<Index> index = Index::Parse(std::move(resp.body), kOciIndex);
  if (!index.ok()) return std::move(index).error().WithContext(context);
  // A registry that applied the filter says so; filtering again is harmless either way.
  return Filter(index->manifests(), artifact_type);
}

}  // namespace hoist::registry
