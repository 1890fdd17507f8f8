#pragma once
// Verifying cosign signatures with a public key, as `cosign verify --key` does for the classic
// attached format: every layer of the sha256-<hex>.sig manifest is one candidate; a candidate is
// valid when its payload blob matches its descriptor, the ECDSA signature over the payload checks
// out under the key, the payload is a cosign container image signature naming this manifest's
// digest, and (unless told otherwise) its docker-reference names this repository.
//
// Work is bounded: cheap checks (media type, annotation, sizes) run on every layer, but at most
// `max_fetched` payloads are downloaded and checked, each at most kMaxPayloadSize bytes.

#include <optional>
#include <string>
#include <vector>

#include "core/digest.h"
#include "core/error.h"
#include "core/reference.h"
#include "sign/keys.h"
#include "sign/payload.h"
#include "sign/signature_manifest.h"
#include "sign/signature_store.h"

namespace hoist::sign {

struct VerifyOptions {
  // The repository the payload must name; nullopt skips that check (--insecure-ignore-reference).
  std::optional<Reference> repository;
  size_t max_fetched = 100;
  SignatureManifestLimits limits;
};

struct VerifiedSignature {
  std::string payload;    // exact bytes that were signed
  Payload parsed;
  std::string signature;  // base64 DER, as stored
};

struct VerifyReport {
  Digest image = Digest::Of("");
  std::string signature_tag;
  size_t candidates = 0;                // layers in the signature manifest
  std::vector<VerifiedSignature> verified;
  std::vector<std::string> rejected;    // one reason per rejected candidate ("signature 2: …")
};

// Checks the signatures of `image`. An image without any signature manifest is a report with no
// candidates, not an error; errors are for trouble reaching the store.
Result<VerifyReport> VerifyDigest(SignatureStore& store, const PublicKey& key, const Digest& image,
                                  const VerifyOptions& options);
// The same for what the store's location names.
Result<VerifyReport> VerifyImage(SignatureStore& store, const PublicKey& key, const VerifyOptions& options);

// Ok when at least one signature verified; otherwise kDenied with the reasons, for `what` ("docker://…").
Status RequireVerified(const VerifyReport& report, const std::string& what);

}  // namespace hoist::sign
