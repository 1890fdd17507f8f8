// Manifests by tag or digest: GET (bounded, digest computed and checked by hoist), HEAD, PUT,
// DELETE.

#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "core/reference.h"
#include "registry/client/client_util.h"
#include "registry/client/range_header.h"
#include "registry/client/repository.h"
#include "registry/http/sanitize.h"

namespace hoist::registry {

namespace {

using client_detail::CheckReportedDigest;
using client_detail::HttpError;
using client_detail::Send;
using client_detail::UnexpectedStatus;

// Everything hoist can read, and nothing else: asking without schema 1 makes a registry convert
// or refuse rather than serve it.
constexpr char kManifestAccept[] =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

// A tag, or a digest (tags cannot contain ':').
struct ManifestRef {
  std::string text;
  std::optional<Digest> digest;
};

Result<ManifestRef> ParseRef(std::string_view reference) {
  ManifestRef ref{std::string(reference), std::nullopt};
  if (reference.find(':') != std::string_view::npos) {
    HOIST_TRY_ASSIGN(ref.digest, Digest::Parse(reference));
  } else {
    HOIST_TRY(Reference::ValidateTag(reference));
  }
  return ref;
}

std::string Describe(std::string_view reference) {
  return "manifest " + Printable(reference, 140);
}

Error Schema1(const std::string& context) {
  return Unsupported("the registry serves a Docker schema 1 manifest, which hoist does not "
                     "support (push the image again with a current tool to convert it)")
      .WithContext(context);
}

// Content-Type when it names a manifest kind, else the document's own mediaType field.
Result<std::string> MediaTypeOf(const Response& resp, const std::string& context) {
  std::string content_type(BaseMediaType(resp.Header("Content-Type").value_or("")));
  if (IsSchema1(content_type)) return Schema1(context);
  if (IsManifest(content_type) || IsIndex(content_type)) return content_type;
  auto parsed = ParseJson(resp.body);
  if (parsed.ok() && parsed->is_object()) {
    const nlohmann::json& doc = *parsed;
    if (auto sv = doc.find("schemaVersion"); sv != doc.end() && *sv == 1) return Schema1(context);
    if (auto mt = doc.find("mediaType"); mt != doc.end() && mt->is_string()) {
      std::string field = mt->get<std::string>();
      if (IsSchema1(field)) return Schema1(context);
      if (IsManifest(field) || IsIndex(field)) return field;
    }
  }
  return content_type;
}

}  // namespace

Result<FetchedManifest> Repository::GetManifest(std::string_view reference) const {
  const std::string context = "get " + Describe(reference) + " from " + display_name();
  Result<ManifestRef> ref = ParseRef(reference);
  if (!ref.ok()) return std::move(ref).error().WithContext(context);
  Request req;
  req.url = Url("/manifests/" + ref->text);
  req.SetHeader("Accept", kManifestAccept);
  req.max_buffered_body = kMaxManifestSize;
  HOIST_TRY_ASSIGN(Response resp, Send(*http_, req, context));
  if (!resp.ok()) return HttpError(resp, context);
  if (resp.status != 200) return UnexpectedStatus(resp, "200", context);

  FetchedManifest out;
  HOIST_TRY_ASSIGN(out.media_type, MediaTypeOf(resp, context));
  if (ref->digest) {
    Hasher hasher(ref->digest->algorithm());
    hasher.Update(resp.body);
    out.digest = hasher.Finish();
    if (!(out.digest == *ref->digest)) {
      return DigestMismatch("the registry served content whose digest is " + out.digest.str())
          .WithContext(context);
    }
  } else {
    out.digest = Digest::Of(resp.body);
  }
  out.bytes = std::move(resp.body);
  return out;
}

Result<std::optional<ManifestInfo>> Repository::HeadManifest(std::string_view reference) const {
  const std::string context = "check " + Describe(reference) + " in " + display_name();
  Result<ManifestRef> ref = ParseRef(reference);
  if (!ref.ok()) return std::move(ref).error().WithContext(context);
  Request req;
  req.method = "HEAD";
  req.url = Url("/manifests/" + ref->text);
  req.SetHeader("Accept", kManifestAccept);
  HOIST_TRY_ASSIGN(Response resp, Send(*http_, req, context));
  if (resp.status == 404) return std::optional<ManifestInfo>();
  if (!resp.ok()) return HttpError(resp, context);
  if (resp.status != 200) return UnexpectedStatus(resp, "200", context);

  std::string content_type(BaseMediaType(resp.Header("Content-Type").value_or("")));
  if (IsSchema1(content_type)) return Schema1(context);
  ManifestInfo info{content_type, Digest::Of(""), -1};
  if (auto length = resp.Header("Content-Length")) {
    if (auto n = ParseDecimal(*length); n && *n <= kMaxManifestSize) {
      info.size = static_cast<int64_t>(*n);
    }
  }
  if (ref->digest) {
    info.digest = *ref->digest;
  } else {
    // HEAD has no body to hash: for a tag, the registry's word is all there is (GetManifest
    // checks it against the bytes when they are fetched by this digest).
    std::optional<std::string> reported = resp.Header("Docker-Content-Digest");
    if (!reported) {
      return Error(ErrorCode::kUnsupported,
                   "the registry did not say which digest the tag points at")
          .WithContext(context);
    }
    Result<Digest> d = Digest::Parse(*reported);
    if (!d.ok()) return std::move(d).error().WithContext(context + ": Docker-Content-Digest");
    info.digest = *d;
  }
  return std::optional<ManifestInfo>(std::move(info));
}

Result<Digest> Repository::PutManifest(std::string_view bytes, std::string_view media_type,
                                       std::string_view tag) const {
  const std::string target = tag.empty() ? std::string("by digest") : Printable(tag, 140);
  const std::string context = "put manifest (" + target + ") to " + display_name();
  if (bytes.size() > kMaxManifestSize) {
    return TooLarge("the manifest is " + std::to_string(bytes.size()) +
                    " bytes, over the limit of " + std::to_string(kMaxManifestSize))
        .WithContext(context);
  }
  if (media_type.empty()) {
    return InvalidArgument("a manifest needs a media type to be pushed").WithContext(context);
  }
  Digest digest = Digest::Of(bytes);
  std::string ref = digest.str();
  if (!tag.empty()) {
    Result<ManifestRef> parsed = ParseRef(tag);
    if (!parsed.ok()) return std::move(parsed).error().WithContext(context);
    if (parsed->digest) {
      Hasher hasher(parsed->digest->algorithm());
      hasher.Update(bytes);
      digest = hasher.Finish();
      if (!(digest == *parsed->digest)) {
        return DigestMismatch("the manifest's digest is " + digest.str() + ", not " +
                              parsed->digest->str())
            .WithContext(context);
      }
    }
    ref = parsed->text;
  }
  client_detail::ViewReader body(bytes);
  Request req;
  req.method = "PUT";
  req.url = Url("/manifests/" + ref);
  req.SetHeader("Content-Type", std::string(media_type));
  req.body = &body;
  req.body_size = static_cast<int64_t>(bytes.size());
  req.rewind = [&body] {
    body.Rewind();
    return Ok();
  };
  HOIST_TRY_ASSIGN(Response resp, Send(*http_, req, context));
  if (!resp.ok()) return HttpError(resp, context);
  if (resp.status != 201) return UnexpectedStatus(resp, "201", context);
  HOIST_TRY(CheckReportedDigest(resp, digest, context));
  return digest;
}

Status Repository::DeleteManifest(std::string_view reference) const {
  const std::string context = "delete " + Describe(reference) + " from " + display_name();
  Result<ManifestRef> ref = ParseRef(reference);
  if (!ref.ok()) return std::move(ref).error().WithContext(context);
  Digest digest = Digest::Of("");
  if (ref->digest) {
    digest = *ref->digest;
  } else {
    Result<std::optional<ManifestInfo>> head = HeadManifest(reference);
    if (!head.ok()) return std::move(head).error().WithContext(context);
    if (!head->has_value()) {
      return NotFound("no manifest is tagged " + Printable(reference, 140)).WithContext(context);
    }
    digest = (*head)->digest;
  }
  Request req;
  req.method = "DELETE";
  req.url = Url("/manifests/" + digest.str());
  HOIST_TRY_ASSIGN(Response resp, Send(*http_, req, context));
  if (!resp.ok()) return HttpError(resp, context);
  return Ok();
}

}  // namespace hoist::registry
