// hoist verify: check an image's cosign signatures against a public key.

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "sign/key_files.h"
#include "sign/verify.h"
#include "tools/command.h"
#include "tools/registry_flags.h"
#include "tools/signature_location.h"

namespace hoist::tools {

namespace {

void AddVerifyOptions(cxxopts::Options& o) {
  o.add_options()
      ("key", "Public key file (PEM)", cxxopts::value<std::string>(), "FILE")
      ("insecure-ignore-reference", "Accept signatures made for another repository (only the digest must match)")
      ("max-signatures", "Download and check at most N candidate signatures",
       cxxopts::value<std::string>()->default_value("100"), "N");
  AddSignatureLocationOptions(o);
  AddRegistryOptions(o);
}

Result<int> RunVerify(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("verify needs exactly one image reference");
  if (!ctx.args.count("key")) return UsageError("verify needs --key FILE (the public key, e.g. cosign.pub)");
  HOIST_TRY_ASSIGN(sign::PublicKey key, sign::ReadPublicKeyFile(ctx.args["key"].as<std::string>()));
  sign::VerifyOptions options;
  HOIST_TRY_ASSIGN(int max, IntegerFlag(ctx.args, "max-signatures"));
  if (max < 1) return UsageError("--max-signatures must be at least 1");
  options.max_fetched = static_cast<size_t>(max);
  HOIST_TRY_ASSIGN(SignatureLocation loc, OpenSignatureLocation(ctx, ctx.positional[0], /*for_write=*/false));
  if (!ctx.args.count("insecure-ignore-reference")) {
    if (!loc.repository) {
      return UsageError("an oci: layout has no repository name: give --sign-identity HOST/REPO, or "
                        "--insecure-ignore-reference");
    }
    options.repository = loc.repository;
  }
  auto report = sign::VerifyImage(*loc.store, key, options);
  if (!report.ok()) return std::move(report).error().WithContext("verify " + loc.store->Describe());
  if (auto st = sign::RequireVerified(*report, loc.store->Describe()); !st.ok()) {
    std::cerr << "hoist: " << st.error().message() << "\n";
    return kExitFailure;
  }
  std::cerr << "Verification for " << loc.store->Describe() << " --\n"
            << "The following checks were performed on each of these signatures:\n"
            << "  - The cosign claims were validated\n"
            << "  - The signatures were verified against the specified public key\n";
  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : report->verified) {
      // Verified payloads passed ParsePayload; a failure here would be a payload that changed since.
      auto payload = ParseJson(v.payload);
      out.push_back(payload.ok() ? std::move(payload).value() : nlohmann::json());
    }
    std::cout << DumpJson(out) << "\n";
  } else {
    for (const auto& v : report->verified) std::cout << v.payload << "\n";
  }
  return kExitOk;
}

}  // namespace

const CommandSpec& VerifyCommand() {
  static const CommandSpec spec{
      "verify", {}, "Verify an image's cosign signatures with a public key", "REF",
      "Finds the signatures of the manifest REF names (the OCI manifest tagged sha256-<hex>.sig, as\n"
      "cosign stores them) and checks each one: the payload blob matches its descriptor, the ECDSA\n"
      "signature over it verifies under --key, the payload is a cosign container image signature for\n"
      "this manifest digest, and it names this repository (--insecure-ignore-reference skips that last\n"
      "check, e.g. for a mirror). Signatures made by cosign and by `hoist sign` are both accepted.\n"
      "\n"
      "The verified payloads are printed on stdout (one per line, exactly as signed; --format json\n"
      "prints them as a JSON array, as cosign does). When no signature is valid the reason for each\n"
      "candidate is printed and the exit code is 1. At most --max-signatures candidates are downloaded,\n"
      "so an image with thousands of junk signatures cannot stall the check.\n"
      "\n"
      "REF is docker://HOST/REPO[:TAG|@DIGEST], oci:DIR[:NAME] (with --sign-identity HOST/REPO) or a\n"
      "bare reference in the local store.",
      "  hoist verify --key cosign.pub docker://localhost:5000/team/app:1\n"
      "  hoist verify --key cosign.pub --format json docker://ghcr.io/org/tool@sha256:…\n"
      "  hoist verify --key cosign.pub --insecure-ignore-reference docker://mirror.internal/team/app:1",
      AddVerifyOptions, RunVerify};
  return spec;
}

}  // namespace hoist::tools
