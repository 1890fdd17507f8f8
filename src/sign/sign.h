#pragma once
// Signing an image the way `cosign sign --key` does (classic attached format, no transparency log):
// a simple-signing payload naming the manifest digest, an ECDSA P-256 signature over it, appended
// as a layer to the signature manifest tagged sha256-<hex>.sig in the same place as the image.

#include <map>
#include <string>
#include <vector>

#include "core/digest.h"
#include "core/error.h"
#include "sign/keys.h"
#include "sign/signature_store.h"

namespace hoist::sign {

struct SignOptions {
  std::string docker_reference;                   // the payload's identity (CosignDockerReference)
  std::map<std::string, std::string> annotations;  // -a k=v, into the payload's "optional"
  bool recursive = false;                          // an index: also sign every manifest it lists
};

struct SignedManifest {
  Digest digest = Digest::Of("");  // what was signed
  std::string signature_tag;       // where the signature manifest now is
  size_t signatures = 0;           // how many signatures that manifest holds now
};

// Signs one manifest digest (which need not be what the store resolves to: a child, a pushed image).
// When the same payload is already signed by this key, nothing is written (as cosign does).
Result<SignedManifest> SignDigest(SignatureStore& store, const PrivateKey& key, const Digest& digest,
                                  const SignOptions& options);

// Signs what the store's location names; with `recursive`, for an index, each listed manifest too
// (children first, the index last).
Result<std::vector<SignedManifest>> SignImage(SignatureStore& store, const PrivateKey& key,
                                              const SignOptions& options);

}  // namespace hoist::sign
