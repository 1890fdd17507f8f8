// hoist key generate: an ECDSA P-256 key pair in cosign's formats.

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "sign/key_files.h"
#include "tools/command.h"
#include "tools/signature_location.h"

namespace hoist::tools {

namespace {

void AddKeyOptions(cxxopts::Options& o) {
  o.add_options()
      ("output-key-prefix", "Write PREFIX.key and PREFIX.pub", cxxopts::value<std::string>()->default_value("cosign"),
       "PREFIX")
      ("f,force", "Overwrite existing key files");
}

Result<int> RunKey(CommandContext& ctx) {
  if (ctx.positional.size() != 1 || ctx.positional[0] != "generate") {
    return UsageError("key needs a subcommand: hoist key generate [--output-key-prefix PREFIX]");
  }
  const std::string prefix = ctx.args["output-key-prefix"].as<std::string>();
  if (prefix.empty()) return UsageError("--output-key-prefix must not be empty");
  HOIST_TRY_ASSIGN(sign::PrivateKey key, sign::PrivateKey::Generate());
  HOIST_TRY_ASSIGN(std::string password, KeyPassword(/*confirm=*/true));
  auto files = sign::WriteKeyPair(key, prefix, password, ctx.args.count("force") > 0);
  if (!files.ok()) return std::move(files).error().WithContext("key generate");
  if (ctx.global.format == OutputFormat::kJson) {
    std::cout << DumpJson(nlohmann::json{{"PrivateKey", files->private_path}, {"PublicKey", files->public_path}}, 2)
              << "\n";
  } else {
    std::cerr << "Private key written to " << files->private_path << "\n"
              << "Public key written to " << files->public_path << "\n";
  }
  return kExitOk;
}

}  // namespace

const CommandSpec& KeyCommand() {
  static const CommandSpec spec{
      "key", {}, "Generate a signing key pair (cosign's formats)", "generate",
      "`hoist key generate` makes an ECDSA P-256 key pair the way `cosign generate-key-pair` does:\n"
      "PREFIX.key holds the private key in cosign's encrypted format (ENCRYPTED SIGSTORE PRIVATE KEY:\n"
      "scrypt and NaCl secretbox; mode 0600) and PREFIX.pub the public key (PEM SubjectPublicKeyInfo).\n"
      "cosign reads both, and hoist reads keys cosign made. The password comes from $COSIGN_PASSWORD\n"
      "when it is set (an empty value means no password), otherwise it is asked for twice without echo\n"
      "(or read as one line from stdin when stdin is not a terminal). Existing files are kept unless\n"
      "--force is given. Files are written atomically.",
      "  hoist key generate                                  # cosign.key, cosign.pub\n"
      "  COSIGN_PASSWORD=s3cret hoist key generate --output-key-prefix ci/release",
      AddKeyOptions, RunKey};
  return spec;
}

}  // namespace hoist::tools
