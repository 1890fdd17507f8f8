#pragma once
// Trust policy in the containers-policy.json format (containers-policy.json(5)), the subset hoist
// enforces, so skopeo and podman users reuse the file they have:
//
//   {"default": [REQ…],
//    "transports": {"docker": {"SCOPE": [REQ…], …}}}
//   REQ: {"type":"insecureAcceptAnything"} | {"type":"reject"} |
//        {"type":"sigstoreSigned", "keyPath":FILE | "keyPaths":[FILE…] | "keyData":BASE64-PEM,
//         "signedIdentity":{"type":"matchRepoDigestOrExact"|"matchRepository"|"matchExact"|
//                           "exactRepository","dockerRepository":REPO}}
//
// A docker SCOPE is, from most to least specific: "host/repo:tag" or "host/repo@digest", "host/repo",
// each enclosing namespace "host/ns", "host[:port]", "*.domain" wildcards, then "" (the transport
// default); nothing matching falls back to "default". Every requirement of the chosen scope must
// hold. Requirements hoist does not implement (signedBy, GPG) are refused when the file is read,
// never silently accepted.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/digest.h"
#include "core/error.h"
#include "core/reference.h"
#include "sign/keys.h"
#include "sign/signature_store.h"

namespace hoist::sign {

struct PolicyRequirement {
  enum class Kind { kAcceptAnything, kReject, kSigstoreSigned };
  Kind kind = Kind::kReject;
  std::vector<PublicKey> keys;                 // kSigstoreSigned: any one of them
  std::optional<Reference> exact_repository;   // signedIdentity exactRepository; else the image's own
};

class TrustPolicy {
 public:
  // `base_dir` resolves relative keyPath entries (the policy file's directory).
  static Result<TrustPolicy> Parse(std::string_view json, const std::string& base_dir);
  static Result<TrustPolicy> Load(const std::string& path);
  // --verify-key PUB: every image must carry a valid signature under `key`.
  static TrustPolicy RequireKey(PublicKey key);

  // The requirements for an image in a registry, and the scope they came from ("default" or the
  // scope string) for messages.
  struct Match {
    const std::vector<PolicyRequirement>* requirements;
    std::string scope;
  };
  Match RequirementsFor(const Reference& ref) const;

 private:
  std::vector<PolicyRequirement> default_;
  std::vector<std::pair<std::string, std::vector<PolicyRequirement>>> docker_;  // scope → requirements
};

// Checks the image `digest` (named `ref`, whose signatures are in `store`) against the policy:
// Ok, or kDenied saying which scope refused it and why. With `require_signature` (content trust),
// a scope that asks for no signature (insecureAcceptAnything) refuses too: a valid one must be there.
Status CheckPolicy(const TrustPolicy& policy, const Reference& ref, const Digest& digest, SignatureStore& store,
                   bool require_signature = false);

}  // namespace hoist::sign
