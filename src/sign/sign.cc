#include "sign/sign.h"

#include "core/base64.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "sign/payload.h"
#include "sign/signature_manifest.h"

namespace hoist::sign {

Result<SignedManifest> SignDigest(SignatureStore& store, const PrivateKey& key, const Digest& digest,
                                  const SignOptions& options) {
  HOIST_TRY_ASSIGN(std::string payload, RenderPayload(options.docker_reference, digest, options.annotations));
  HOIST_TRY_ASSIGN(std::string der, key.Sign(payload));
  SignatureLayer added = NewSignatureLayer(payload, EncodeBase64(der));

  const std::string tag = SignatureTag(digest);
  std::vector<SignatureLayer> layers;
  HOIST_TRY_ASSIGN(auto existing, store.FindTagged(tag));
  if (existing) {
    auto parsed = ParseSignatureManifest(existing->bytes);
    if (!parsed.ok()) {
      return std::move(parsed).error().WithContext("the existing signatures at " + tag +
                                                   " cannot be read, so new ones cannot be appended");
    }
    layers = std::move(*parsed);
  }
  // cosign's duplicate detection: the same payload already signed by this key is not signed again
  // (ECDSA signatures differ every time, so compare by verifying, not by bytes).
  for (const SignatureLayer& l : layers) {
    if (l.layer.digest != added.layer.digest) continue;
    auto der = DecodeBase64(l.signature);
    if (der && key.Public().Verify(payload, *der).ok()) return SignedManifest{digest, tag, layers.size()};
  }
  layers = AppendSignature(std::move(layers), std::move(added));
  BuiltSignatureManifest built = BuildSignatureManifest(layers);

  // Blobs before the manifest that names them.
  HOIST_TRY(store.WriteBlob(payload, kSimpleSigningMediaType));
  HOIST_TRY(store.WriteBlob(built.config, kOciConfig));
  HOIST_TRY(store.WriteManifest(built.manifest, kOciManifest, tag));
  return SignedManifest{digest, tag, layers.size()};
}

Result<std::vector<SignedManifest>> SignImage(SignatureStore& store, const PrivateKey& key,
                                              const SignOptions& options) {
  HOIST_TRY_ASSIGN(StoredManifest top, store.Resolve());
  std::vector<SignedManifest> out;
  if (options.recursive && IsIndex(top.media_type)) {
    HOIST_TRY_ASSIGN(Index index, Index::Parse(top.bytes, top.media_type));
    for (const Descriptor& child : index.manifests()) {
      if (!IsManifest(child.media_type) && !IsIndex(child.media_type)) continue;
      auto signed_child = SignDigest(store, key, child.digest, options);
      if (!signed_child.ok()) return std::move(signed_child).error().WithContext("signing " + child.digest.str());
      out.push_back(std::move(*signed_child));
    }
  }
  auto signed_top = SignDigest(store, key, top.digest, options);
  if (!signed_top.ok()) return std::move(signed_top).error().WithContext("signing " + top.digest.str());
  out.push_back(std::move(*signed_top));
  return out;
}

}  // namespace hoist::sign
