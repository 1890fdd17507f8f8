// hoist sign: a cosign-compatible signature for an image in a registry, an oci: layout or the store.

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "sign/key_files.h"
#include "sign/payload.h"
#include "sign/sign.h"
#include "tools/command.h"
#include "tools/registry_flags.h"
#include "tools/signature_location.h"

namespace hoist::tools {

namespace {

void AddSignOptions(cxxopts::Options& o) {
  o.add_options()
      ("key", "Private key file (cosign's encrypted format, or plain PKCS#8 / SEC1 PEM)",
       cxxopts::value<std::string>(), "FILE")
      ("a,annotations", "Add k=v to the signed payload's \"optional\" section (repeatable)",
       cxxopts::value<std::vector<std::string>>(), "K=V")
      ("recursive", "For a multi-platform image, also sign every platform manifest");
  AddSignatureLocationOptions(o);
  AddRegistryOptions(o);
}

Result<std::map<std::string, std::string>> Annotations(const cxxopts::ParseResult& args) {
  std::map<std::string, std::string> out;
  if (!args.count("annotations")) return out;
  for (const auto& kv : RepeatedFlag(args, "annotations")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return UsageError("-a needs KEY=VALUE, got \"" + kv + "\"");
    out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

// What the user is told, in cosign's words for a registry.
std::string SignatureDestination(const std::string& where, const Reference& repository, const std::string& tag) {
  if (where.rfind("oci:", 0) == 0) {
    std::string dir = where.substr(0, where.find(':', 4));
    return "Signature stored as " + dir + ":" + tag;
  }
  std::string named = repository.name() + ":" + tag;
  if (where.rfind("docker://", 0) == 0) return "Pushing signature to: " + named;
  return "Signature stored in the local store as " + named;
}

Result<int> RunSign(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("sign needs exactly one image reference");
  if (!ctx.args.count("key")) return UsageError("sign needs --key FILE (make one with `hoist key generate`)");
  sign::SignOptions options;
  HOIST_TRY_ASSIGN(options.annotations, Annotations(ctx.args));
  options.recursive = ctx.args.count("recursive") > 0;
  HOIST_TRY_ASSIGN(sign::PrivateKey key, sign::ReadPrivateKeyFile(ctx.args["key"].as<std::string>(),
                                                                  [] { return KeyPassword(false); }));
  const std::string& where = ctx.positional[0];
  HOIST_TRY_ASSIGN(SignatureLocation loc, OpenSignatureLocation(ctx, where, /*for_write=*/true));
  if (!loc.repository) {
    return UsageError("an oci: layout has no repository name to sign for: give --sign-identity HOST/REPO");
  }
  options.docker_reference = sign::CosignDockerReference(*loc.repository);
  auto signed_images = sign::SignImage(*loc.store, key, options);
  if (!signed_images.ok()) return std::move(signed_images).error().WithContext("sign " + loc.store->Describe());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : *signed_images) {
    if (ctx.global.format == OutputFormat::kJson) {
      out.push_back({{"Digest", s.digest.str()}, {"SignatureTag", s.signature_tag}, {"Signatures", s.signatures}});
    } else {
      std::cerr << SignatureDestination(where, *loc.repository, s.signature_tag) << "\n";
    }
  }
  if (ctx.global.format == OutputFormat::kJson) std::cout << DumpJson(out, 2) << "\n";
  return kExitOk;
}

}  // namespace

const CommandSpec& SignCommand() {
  static const CommandSpec spec{
      "sign", {}, "Sign an image with a key, as cosign does", "REF",
      "Signs the manifest (or index) REF names, byte for byte as `cosign sign --key` does with the\n"
      "transparency log off: a simple-signing payload naming the manifest digest and the repository,\n"
      "signed with ECDSA P-256 over SHA-256, stored as a layer of the OCI manifest tagged\n"
      "sha256-<hex>.sig next to the image. Signatures already there are kept; signing twice with the\n"
      "same key and annotations adds nothing. `cosign verify --key` accepts what this writes.\n"
      "\n"
      "REF is docker://HOST/REPO[:TAG|@DIGEST] (a registry), oci:DIR[:NAME] (an OCI layout; give\n"
      "--sign-identity HOST/REPO, the repository the image will be verified for) or a bare reference\n"
      "(the local store). For a multi-platform image the index is signed; --recursive signs each\n"
      "platform manifest too. The key's password comes from $COSIGN_PASSWORD or a no-echo prompt.",
      "  hoist key generate && hoist sign --key cosign.key docker://localhost:5000/team/app:1\n"
      "  COSIGN_PASSWORD= hoist sign --key ci.key -a build=42 --recursive docker://ghcr.io/org/tool:2\n"
      "  hoist sign --key cosign.key --sign-identity registry.example/app oci:./layout:app",
      AddSignOptions, RunSign};
  return spec;
}

}  // namespace hoist::tools
