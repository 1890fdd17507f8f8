#include "tools/signature_location.h"

#include <cstdlib>
#include <iostream>

#include "sign/layout_signature_store.h"
#include "sign/registry_signature_store.h"
#include "store/oci_layout.h"
#include "tools/prompt.h"
#include "tools/registry_flags.h"

namespace hoist::tools {

namespace {
constexpr std::string_view kDockerPrefix = "docker://";
constexpr std::string_view kOciPrefix = "oci:";

Result<std::optional<Reference>> IdentityFlag(const CommandContext& ctx) {
  if (!ctx.args.count("sign-identity")) return std::optional<Reference>();
  auto ref = Reference::Parse(ctx.args["sign-identity"].as<std::string>(), ReferenceParseOptions{false});
  if (!ref.ok()) return UsageError("--sign-identity: " + ref.error().message());
  return std::optional<Reference>(ref->Bare());
}
}  // namespace

void AddSignatureLocationOptions(cxxopts::Options& options) {
  options.add_options()("sign-identity",
                        "The repository the image is signed for (default: the REF's own repository; needed "
                        "for oci: layouts, which have none)",
                        cxxopts::value<std::string>(), "HOST/REPO");
}

Result<SignatureLocation> OpenSignatureLocation(const CommandContext& ctx, const std::string& where, bool for_write) {
  SignatureLocation loc;
  HOIST_TRY_ASSIGN(loc.repository, IdentityFlag(ctx));
  if (where.rfind(kOciPrefix, 0) == 0) {
    // oci:DIR[:NAME]; DIR itself may not contain ':' (as with skopeo).
    std::string rest = where.substr(kOciPrefix.size());
    std::string dir = rest, name;
    if (auto colon = rest.find(':'); colon != std::string::npos) {
      dir = rest.substr(0, colon);
      name = rest.substr(colon + 1);
    }
    if (dir.empty()) return UsageError("\"" + where + "\" names no directory (oci:DIR[:NAME])");
    HOIST_TRY_ASSIGN(auto layout, store::OciLayout::Open(dir, store::OciLayout::OpenMode::kExisting));
    loc.store = std::make_unique<sign::LayoutSignatureStore>(
        sign::LayoutSignatureStore::ForOciDir(std::move(layout), std::move(name)));
    return loc;
  }
  if (where.find("://") != std::string::npos && where.rfind(kDockerPrefix, 0) != 0) {
    return UsageError("\"" + where + "\": sign and verify work on docker://, oci: and the local store");
  }
  if (where.rfind(kDockerPrefix, 0) == 0) {
    HOIST_TRY_ASSIGN(Reference ref, ParseRegistryReference(where));
    HOIST_TRY_ASSIGN(loc.client, MakeRegistryClient(ctx));
    HOIST_TRY_ASSIGN(auto repo,
                     loc.client->OpenRepository(ref, for_write ? registry::Access::kPush : registry::Access::kPull));
    if (!loc.repository) loc.repository = ref.Bare();
    loc.store = std::make_unique<sign::RegistrySignatureStore>(std::move(repo), std::move(ref));
    return loc;
  }
  // A bare reference: the local store (DESIGN's location table).
  auto ref = Reference::Parse(where);
  if (!ref.ok()) return UsageError(ref.error().message() + " (write docker://" + where + " for a registry)");
  HOIST_TRY_ASSIGN(auto layout, store::OciLayout::Open(store::DefaultStorePath(ctx.global.store),
                                                      store::OciLayout::OpenMode::kExisting));
  if (!loc.repository) loc.repository = ref->Bare();
  loc.store = std::make_unique<sign::LayoutSignatureStore>(sign::LayoutSignatureStore::ForStore(std::move(layout), *ref));
  return loc;
}

Result<std::string> KeyPassword(bool confirm) {
  if (const char* env = std::getenv("COSIGN_PASSWORD")) return std::string(env);
  if (!StdinIsTerminal()) return ReadLine(false);  // piped in, as cosign reads it
  std::cerr << "Enter password for private key: " << std::flush;
  std::string pass = ReadLine(true);
  if (confirm) {
    std::cerr << "Enter password for private key again: " << std::flush;
    if (ReadLine(true) != pass) return InvalidArgument("the two passwords do not match");
  }
  return pass;
}

}  // namespace hoist::tools
