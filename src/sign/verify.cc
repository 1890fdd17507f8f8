#include "sign/verify.h"

#include "core/base64.h"

namespace hoist::sign {

namespace {

// A DER ECDSA P-256 signature is at most 72 bytes; anything far larger is junk.
constexpr size_t kMaxSignatureBase64 = 1024;

// Cheap checks that need no download; empty when the layer is worth fetching.
std::string Precheck(const SignatureLayer& l, std::string& der) {
  if (l.layer.media_type != kSimpleSigningMediaType) {
    return "layer media type is \"" + l.layer.media_type + "\", not a simple-signing payload";
  }
  if (l.signature.empty()) return "no dev.cosignproject.cosign/signature annotation";
  if (l.signature.size() > kMaxSignatureBase64) return "the signature annotation is too long to be an ECDSA signature";
  auto decoded = DecodeBase64(l.signature);
  if (!decoded) return "the signature annotation is not valid base64";
  if (l.layer.size <= 0 || static_cast<uint64_t>(l.layer.size) > kMaxPayloadSize) {
    return "the payload size " + std::to_string(l.layer.size) + " is out of range";
  }
  der = std::move(*decoded);
  return "";
}

}  // namespace

Result<VerifyReport> VerifyDigest(SignatureStore& store, const PublicKey& key, const Digest& image,
                                  const VerifyOptions& options) {
  VerifyReport report;
  report.image = image;
  report.signature_tag = SignatureTag(image);
  HOIST_TRY_ASSIGN(auto sig_manifest, store.FindTagged(report.signature_tag));
  if (!sig_manifest) return report;
  auto layers = ParseSignatureManifest(sig_manifest->bytes, options.limits);
  if (!layers.ok()) {
    report.rejected.push_back(report.signature_tag + ": " + layers.error().ToString());
    return report;
  }
  report.candidates = layers->size();
  size_t fetched = 0;
  for (size_t i = 0; i < layers->size(); ++i) {
    const SignatureLayer& l = (*layers)[i];
    const std::string which = "signature " + std::to_string(i + 1);
    std::string der;
    if (std::string why = Precheck(l, der); !why.empty()) {
      report.rejected.push_back(which + ": " + why);
      continue;
    }
    if (fetched == options.max_fetched) {
      report.rejected.push_back(which + " and later: not checked (more than " + std::to_string(options.max_fetched) +
                                " candidate signatures)");
      break;
    }
    ++fetched;
    auto payload = store.ReadBlob(l.layer, kMaxPayloadSize);
    if (!payload.ok()) {
      if (payload.error().code() == ErrorCode::kNetwork || payload.error().code() == ErrorCode::kTimeout) {
        return std::move(payload).error();  // trouble reaching the store, not a bad signature
      }
      report.rejected.push_back(which + ": payload " + l.layer.digest.str() + ": " + payload.error().ToString());
      continue;
    }
    if (auto st = key.Verify(*payload, der); !st.ok()) {
      report.rejected.push_back(which + ": " + st.error().message());
      continue;
    }
    auto parsed = ParsePayload(*payload);
    if (!parsed.ok()) {
      report.rejected.push_back(which + ": " + parsed.error().message());
      continue;
    }
    if (!(parsed->manifest_digest == image)) {
      report.rejected.push_back(which + ": the payload signs " + parsed->manifest_digest.str() + ", not " + image.str());
      continue;
    }
    if (options.repository && !SameRepository(parsed->docker_reference, *options.repository)) {
      report.rejected.push_back(which + ": the payload names \"" + parsed->docker_reference + "\", not " +
                                options.repository->name() + " (--insecure-ignore-reference skips this check)");
      continue;
    }
    report.verified.push_back(VerifiedSignature{std::move(*payload), std::move(*parsed), l.signature});
  }
  return report;
}

Result<VerifyReport> VerifyImage(SignatureStore& store, const PublicKey& key, const VerifyOptions& options) {
  HOIST_TRY_ASSIGN(StoredManifest top, store.Resolve());
  return VerifyDigest(store, key, top.digest, options);
}

Status RequireVerified(const VerifyReport& report, const std::string& what) {
  if (!report.verified.empty()) return Ok();
  std::string msg = "no valid signature for " + what + " (" + report.image.str() + ")";
  if (report.candidates == 0 && report.rejected.empty()) {
    msg += ": no signatures found (no " + report.signature_tag + " manifest)";
  } else {
    msg += ": ";
    const size_t shown = std::min<size_t>(report.rejected.size(), 5);
    for (size_t i = 0; i < shown; ++i) {
      if (i) msg += "; ";
      msg += report.rejected[i];
    }
    if (report.rejected.size() > shown) msg += "; and " + std::to_string(report.rejected.size() - shown) + " more";
  }
  return Error(ErrorCode::kDenied, msg);
}

}  // namespace hoist::sign
