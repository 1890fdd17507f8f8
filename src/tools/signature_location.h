#pragma once
// What `hoist sign` and `hoist verify` share: opening the location an image is named by
// (docker://… a registry, oci:DIR[:NAME] a layout, a bare reference the local store), the
// identity its payload carries, and the key password (COSIGN_PASSWORD or a no-echo prompt).

#include <memory>
#include <optional>
#include <string>

#include "core/reference.h"
#include "registry/registry_client.h"
#include "sign/signature_store.h"
#include "tools/command.h"

namespace hoist::tools {

struct SignatureLocation {
  std::unique_ptr<registry::RegistryClient> client;  // kept alive for a registry store
  std::unique_ptr<sign::SignatureStore> store;
  // The repository the image belongs to (the payload's identity); nullopt for an oci: layout
  // without --sign-identity.
  std::optional<Reference> repository;
};

// --sign-identity REF: the repository an oci: layout's image is signed for / checked against.
void AddSignatureLocationOptions(cxxopts::Options& options);

Result<SignatureLocation> OpenSignatureLocation(const CommandContext& ctx, const std::string& where, bool for_write);

// COSIGN_PASSWORD when set (even empty), else asked for without echo on a terminal (twice when
// `confirm`), else one line read from stdin.
Result<std::string> KeyPassword(bool confirm);

}  // namespace hoist::tools
