#include "sign/registry_signature_store.h"

#include "registry/client/blob_sink.h"

namespace hoist::sign {

namespace {
StoredManifest FromFetched(registry::FetchedManifest f) {
  return StoredManifest{std::move(f.bytes), std::move(f.media_type), f.digest};
}
}  // namespace

Result<StoredManifest> RegistrySignatureStore::Resolve() {
  std::string target = ref_.digest() ? ref_.digest()->str() : ref_.tag().value_or("latest");
  HOIST_TRY_ASSIGN(auto fetched, repo_.GetManifest(target));
  return FromFetched(std::move(fetched));
}

Result<StoredManifest> RegistrySignatureStore::GetManifest(const Digest& digest) {
  HOIST_TRY_ASSIGN(auto fetched, repo_.GetManifest(digest.str()));
  return FromFetched(std::move(fetched));
}

Result<std::optional<StoredManifest>> RegistrySignatureStore::FindTagged(const std::string& tag) {
  auto fetched = repo_.GetManifest(tag);
  if (!fetched.ok()) {
    if (fetched.error().code() == ErrorCode::kNotFound) return std::optional<StoredManifest>();
    return std::move(fetched).error();
  }
  return std::optional<StoredManifest>(FromFetched(std::move(*fetched)));
}

Result<std::string> RegistrySignatureStore::ReadBlob(const Descriptor& blob, uint64_t limit) {
  if (blob.size < 0 || static_cast<uint64_t>(blob.size) > limit) {
    return TooLarge("blob " + blob.digest.str() + " is " + std::to_string(blob.size) + " bytes, over the limit of " +
                    std::to_string(limit));
  }
  registry::StringBlobSink sink;
  registry::GetBlobOptions opts;
  opts.expected_size = blob.size;
  HOIST_TRY(repo_.GetBlob(blob.digest, sink, opts));
  return sink.Take();
}

Status RegistrySignatureStore::WriteBlob(std::string_view bytes, std::string_view /*media_type*/) {
  const Digest d = Digest::Of(bytes);
  HOIST_TRY_ASSIGN(auto present, repo_.HeadBlob(d));
  if (present) return Ok();
  StringReader r{std::string(bytes)};
  return repo_.PutBlob(r, d, static_cast<int64_t>(bytes.size()));
}

Status RegistrySignatureStore::WriteManifest(std::string_view bytes, std::string_view media_type,
                                             const std::string& tag) {
  HOIST_TRY_ASSIGN(Digest d, repo_.PutManifest(bytes, media_type, tag));
  (void)d;
  return Ok();
}

}  // namespace hoist::sign
