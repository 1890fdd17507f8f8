// /v2/<name>/manifests/<reference>: GET, HEAD, PUT, DELETE by tag or digest.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <variant>

#include "core/manifest.h"
#include "core/media_types.h"
#include "core/reference.h"
#include "serve/api_errors.h"
#include "serve/exchanges.h"
#include "serve/handlers.h"

namespace hoist::serve {

namespace {

bool LooksLikeDigest(const std::string& target) { return target.find(':') != std::string::npos; }

Response ManifestUnknown(const std::string& name, const std::string& target) {
  return ApiError(404, "MANIFEST_UNKNOWN", "manifest " + target + " is not in repository " + name);
}

Response GetManifest(ServedLayout& s, const Request& req, const Route& r) {
  auto repo = LookupRepo(s, r.name);
  if (!repo.ok()) return LookupError(repo.error());
  if (!repo->existing) return ApiError(404, "NAME_UNKNOWN", "repository " + r.name + " is not known here");
  Digest digest = Digest::Of("");
  std::string media_type;
  if (LooksLikeDigest(r.target)) {
    auto d = Digest::Parse(r.target);
    if (!d.ok()) return ApiError(400, "DIGEST_INVALID", d.error().message());
    digest = *d;
  } else {
    const Descriptor* tagged = repo->names->Tag(*repo->existing, r.target);
    if (!tagged) return ManifestUnknown(r.name, r.target);
    digest = tagged->digest;
    media_type = tagged->media_type;
  }
  // Any manifest of the layout by digest: an index's children carry no name of their own.
  auto info = s.manifests().Get(s.layout(), digest);
  if (!info.ok()) {
    if (info.error().code() == ErrorCode::kNotFound || info.error().code() == ErrorCode::kParse ||
        info.error().code() == ErrorCode::kTooLarge) {
      return ManifestUnknown(r.name, r.target);
    }
    return FromError(info.error(), "MANIFEST_UNKNOWN");
  }
  if (media_type.empty()) media_type = info->media_type;
  Response out(200);
  if (req.method == "HEAD") {
    // The size without reading the blob: libmicrohttpd sends Content-Length and no body.
    int fd = ::open(s.layout().paths().Blob(digest).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ManifestUnknown(r.name, r.target);
    out.fd = fd;
    out.fd_length = static_cast<uint64_t>(info->size);
  } else {
    auto raw = s.layout().ReadBlob(digest, kMaxManifestSize);
    if (!raw.ok()) return FromError(raw.error(), "MANIFEST_UNKNOWN");
    out.body = std::move(raw).value();
  }
  out.Set("Content-Type", media_type);
  out.Set("Docker-Content-Digest", digest.str());
  out.Set("ETag", "\"" + digest.str() + "\"");
  return out;
}

// The blobs a manifest names that the layout lacks (foreign layers with URLs excepted).
std::vector<std::string> MissingReferences(ServedLayout& s, const AnyManifest& any) {
  std::vector<std::string> missing;
  auto check = [&](const Descriptor& d) {
    if (!d.urls.empty() && IsForeignLayer(d.media_type)) return;
    if (!s.layout().HasBlob(d.digest)) missing.push_back(d.digest.str());
  };
  if (const auto* m = std::get_if<Manifest>(&any)) {
    check(m->config());
    for (const auto& l : m->layers()) check(l);
  } else {
    for (const auto& c : std::get<Index>(any).manifests()) check(c);
  }
  return missing;
}

Response PutManifest(ServedLayout& s, const Request& req, const Route& r, std::string body) {
  auto repo = LookupRepo(s, r.name);
  if (!repo.ok()) return LookupError(repo.error());
  const std::string repository = repo->existing.value_or(repo->layout_name);
  std::optional<Digest> by_digest;
  if (LooksLikeDigest(r.target)) {
    auto d = Digest::Parse(r.target);
    if (!d.ok()) return ApiError(400, "DIGEST_INVALID", d.error().message());
    if (d->algorithm() != DigestAlgorithm::kSha256) {
      return ApiError(400, "DIGEST_INVALID", "manifests are stored by sha256 digest; push this one by its sha256");
    }
    by_digest = *d;
  } else if (auto tag_ok = Reference::ValidateTag(r.target); !tag_ok.ok()) {
    return ApiError(400, "TAG_INVALID", tag_ok.error().message());
  }
  std::string content_type = req.Header("content-type");
  if (size_t semi = content_type.find(';'); semi != std::string::npos) content_type.resize(semi);
  auto parsed = ParseAnyManifest(body, content_type);
  if (!parsed.ok()) return ApiError(400, "MANIFEST_INVALID", parsed.error().message());
  const std::string media_type = MediaTypeOf(*parsed);
  if ((IsManifest(content_type) || IsIndex(content_type)) && content_type != media_type) {
    return ApiError(400, "MANIFEST_INVALID",
                    "the Content-Type " + content_type + " differs from the manifest's mediaType " + media_type);
  }
  const Digest digest = Digest::Of(body, by_digest ? by_digest->algorithm() : DigestAlgorithm::kSha256);
  if (by_digest && !(digest == *by_digest)) {
    return ApiError(400, "DIGEST_INVALID", "the manifest hashes to " + digest.str() + ", not " + by_digest->str());
  }
  auto missing = MissingReferences(s, *parsed);
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return ApiError(400, "MANIFEST_BLOB_UNKNOWN", "the manifest references blobs this registry lacks: " + list);
  }
  std::optional<Digest> subject;
  if (const auto* m = std::get_if<Manifest>(&*parsed)) {
    if (m->subject()) subject = m->subject()->digest;
  } else if (std::get<Index>(*parsed).subject()) {
    subject = std::get<Index>(*parsed).subject()->digest;
  }

  auto lease = s.layout().BeginWrite();
  if (!lease.ok()) return FromError(lease.error(), "MANIFEST_UNKNOWN");
  auto put = s.layout().PutBytes(body, media_type);
  if (!put.ok()) return FromError(put.error(), "MANIFEST_UNKNOWN");
  const Descriptor entry = *put;
  const std::string name = by_digest ? DigestEntryName(repository, entry.digest) : TagEntryName(repository, r.target);
  Status named = s.layout().UpdateIndex([&](std::vector<Descriptor>& manifests) -> Status {
    if (by_digest) {
      // Named by digest once; a tag of the same manifest in this repository already keeps it.
      for (const auto& d : manifests) {
        auto it = d.annotations.find(store::kRefNameAnnotation);
        if (d.digest == entry.digest && it != d.annotations.end()) {
          auto n = SplitEntryName(it->second);
          if (n && n->repository == repository) return Ok();
        }
      }
    } else {
      std::erase_if(manifests, [&](const Descriptor& d) {
        auto it = d.annotations.find(store::kRefNameAnnotation);
        return it != d.annotations.end() && it->second == name;
      });
    }
    Descriptor d = entry;
    d.annotations[store::kRefNameAnnotation] = name;
    manifests.push_back(std::move(d));
    return Ok();
  });
  if (!named.ok()) return FromError(named.error(), "MANIFEST_UNKNOWN");
  Response out(201);
  out.Set("Location", "/v2/" + r.name + "/manifests/" + entry.digest.str());
  out.Set("Docker-Content-Digest", entry.digest.str());
  if (subject) out.Set("OCI-Subject", subject->str());
  return out;
}

Response DeleteManifest(ServedLayout& s, const Route& r) {
  auto repo = LookupRepo(s, r.name);
  if (!repo.ok()) return LookupError(repo.error());
  if (!repo->existing) return ApiError(404, "NAME_UNKNOWN", "repository " + r.name + " is not known here");
  const std::string repository = *repo->existing;
  std::optional<Digest> by_digest;
  if (LooksLikeDigest(r.target)) {
    auto d = Digest::Parse(r.target);
    if (!d.ok()) return ApiError(400, "DIGEST_INVALID", d.error().message());
    by_digest = *d;
  }
  size_t removed = 0;
  Status edited = s.layout().UpdateIndex([&](std::vector<Descriptor>& manifests) -> Status {
    removed = std::erase_if(manifests, [&](const Descriptor& d) {
      auto it = d.annotations.find(store::kRefNameAnnotation);
      if (it == d.annotations.end()) return false;
      auto n = SplitEntryName(it->second);
      if (!n || n->repository != repository) return false;
      return by_digest ? d.digest == *by_digest : n->tag == r.target;
    });
    return Ok();
  });
  if (!edited.ok()) return FromError(edited.error(), "MANIFEST_UNKNOWN");
  if (removed == 0) return ManifestUnknown(r.name, r.target);
  return Response(202);
}

}  // namespace

std::unique_ptr<Exchange> ManifestRequest(ServedLayout& s, const Request& req, const Route& r) {
  if (req.method == "GET" || req.method == "HEAD") {
    return Answer([&s, &req, r] { return GetManifest(s, req, r); });
  }
  if (req.method != "PUT" && req.method != "DELETE") return Answer(MethodNotAllowed(req, "GET, HEAD, PUT, DELETE"));
  if (s.options().read_only) return Answer(ReadOnlyRefusal());
  if (req.method == "DELETE") return Answer([&s, r] { return DeleteManifest(s, r); });
  return std::make_unique<BufferedExchange>(
      kMaxManifestBody, [&s, &req, r](std::string body) { return PutManifest(s, req, r, std::move(body)); },
      [] {
        return ApiError(413, "MANIFEST_INVALID",
                        "the manifest is larger than the limit of " + std::to_string(kMaxManifestBody) + " bytes");
      });
}

}  // namespace hoist::serve
