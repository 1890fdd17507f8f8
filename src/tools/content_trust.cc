#include "tools/content_trust.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "sign/key_files.h"
#include "sign/payload.h"
#include "sign/sign.h"
#include "tools/signature_location.h"

namespace hoist::tools {

namespace {

using transfer::Location;
using transfer::LocationKind;

// HOIST_CONTENT_TRUST wins over DOCKER_CONTENT_TRUST; anything but a clear yes or no is a mistake
// worth stopping for (a typo must not silently turn enforcement off).
Result<bool> ContentTrustFromEnvironment() {
  for (const char* name : {"HOIST_CONTENT_TRUST", "DOCKER_CONTENT_TRUST"}) {
    const char* value = std::getenv(name);
    if (!value) continue;
    std::string v = value;
    if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
    if (v.empty() || v == "0" || v == "false" || v == "no" || v == "off") return false;
    return UsageError(std::string(name) + "=\"" + v + "\": use 1 to turn content trust on, 0 to turn it off");
  }
  return false;
}

// Where skopeo and podman look for policy.json, most personal first.
std::optional<std::string> DefaultPolicyFile() {
  std::vector<std::string> candidates;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    candidates.push_back(std::string(xdg) + "/containers/policy.json");
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    candidates.push_back(std::string(home) + "/.config/containers/policy.json");
  }
  candidates.push_back("/etc/containers/policy.json");
  for (const auto& path : candidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return path;
  }
  return std::nullopt;
}

Result<std::optional<std::string>> SignKeyPath(const CommandContext& ctx) {
  if (ctx.args.count("sign-key")) return std::optional<std::string>(ctx.args["sign-key"].as<std::string>());
  if (const char* env = std::getenv("HOIST_SIGN_KEY"); env && *env) return std::optional<std::string>(env);
  return std::optional<std::string>();
}

Status LoadPolicy(const CommandContext& ctx, TrustRole role, ContentTrust& trust) {
  const auto& a = ctx.args;
  if (a.count("verify-key") && a.count("policy")) {
    return UsageError("--verify-key and --policy cannot be used together");
  }
  if (a.count("verify-key")) {
    const std::string path = a["verify-key"].as<std::string>();
    HOIST_TRY_ASSIGN(sign::PublicKey key, sign::ReadPublicKeyFile(path));
    trust.policy = sign::TrustPolicy::RequireKey(std::move(key));
    trust.policy_origin = "--verify-key " + path;
    return Ok();
  }
  std::optional<std::string> path;
  if (a.count("policy")) path = a["policy"].as<std::string>();
  else if (trust.required && role != TrustRole::kPush) path = DefaultPolicyFile();
  if (!path) {
    if (trust.required && role != TrustRole::kPush) {
      return UsageError("content trust is on: give --verify-key PUB or --policy FILE (no policy.json in "
                        "~/.config/containers or /etc/containers)");
    }
    return Ok();
  }
  HOIST_TRY_ASSIGN(sign::TrustPolicy policy, sign::TrustPolicy::Load(*path));
  trust.policy = std::move(policy);
  trust.policy_origin = *path;
  return Ok();
}

}  // namespace

void AddContentTrustOptions(cxxopts::Options& o) {
  o.add_options("Content trust")
      ("verify-key", "Refuse the image unless it carries a valid cosign signature under this public key",
       cxxopts::value<std::string>(), "PUB")
      ("policy", "Check the image against this trust policy (containers-policy.json format)",
       cxxopts::value<std::string>(), "FILE")
      ("sign-key", "Sign what arrives at the destination with this private key (default: $HOIST_SIGN_KEY)",
       cxxopts::value<std::string>(), "KEY")
      ("sign-identity", "The repository an oci: layout's image is signed for / checked against",
       cxxopts::value<std::string>(), "HOST/REPO");
}

Result<ContentTrust> ReadContentTrust(const CommandContext& ctx, TrustRole role) {
  ContentTrust trust;
  HOIST_TRY_ASSIGN(trust.required, ContentTrustFromEnvironment());
  HOIST_TRY(LoadPolicy(ctx, role, trust));
  HOIST_TRY_ASSIGN(std::optional<std::string> key_path, SignKeyPath(ctx));
  if (!key_path && trust.required && role == TrustRole::kPush) {
    return UsageError("content trust is on: push signs what it sends; give --sign-key KEY or set HOIST_SIGN_KEY");
  }
  if (key_path) {
    HOIST_TRY_ASSIGN(sign::PrivateKey key, sign::ReadPrivateKeyFile(*key_path, [] { return KeyPassword(false); }));
    trust.sign_key = std::move(key);
  }
  return trust;
}

Result<Location> CheckSourceTrust(const CommandContext& ctx, const ContentTrust& trust, const Location& source) {
  if (!trust.policy) return source;
  if (source.kind == LocationKind::kOciArchive || source.kind == LocationKind::kDockerArchive) {
    return Unsupported("signatures cannot be checked inside " + source.str() +
                       ": load it into the store (or an oci: layout) first");
  }
  HOIST_TRY_ASSIGN(SignatureLocation loc, OpenSignatureLocation(ctx, source.str(), /*for_write=*/false));
  if (!loc.repository) {
    return UsageError("checking the signatures of " + source.str() + " needs --sign-identity HOST/REPO");
  }
  HOIST_TRY_ASSIGN(sign::StoredManifest top, loc.store->Resolve());
  const Reference named = source.ref ? *source.ref : *loc.repository;
  auto checked = sign::CheckPolicy(*trust.policy, named, top.digest, *loc.store, trust.required);
  if (!checked.ok()) return std::move(checked).error().WithContext("content trust (" + trust.policy_origin + ")");
  Location pinned = source;
  if (pinned.ref && (pinned.kind == LocationKind::kRegistry || pinned.kind == LocationKind::kStore)) {
    pinned.ref = pinned.ref->WithDigest(top.digest);
  }
  return pinned;
}

Status SignDestination(const CommandContext& ctx, const ContentTrust& trust, const Location& destination,
                       const Digest& digest) {
  if (!trust.sign_key) return Ok();
  if (destination.IsFile() && destination.kind != LocationKind::kOciLayout) {
    return Unsupported("signing inside " + destination.str() + " is not possible: sign in a registry, the store "
                       "or an oci: layout");
  }
  HOIST_TRY_ASSIGN(SignatureLocation loc, OpenSignatureLocation(ctx, destination.str(), /*for_write=*/true));
  if (!loc.repository) {
    return UsageError("signing in " + destination.str() + " needs --sign-identity HOST/REPO");
  }
  sign::SignOptions options;
  options.docker_reference = sign::CosignDockerReference(*loc.repository);
  auto signed_image = sign::SignDigest(*loc.store, *trust.sign_key, digest, options);
  if (!signed_image.ok()) return std::move(signed_image).error().WithContext("sign " + destination.str());
  std::cerr << "Signed " << digest.str() << ": signature stored as " << loc.repository->name() << ":"
            << signed_image->signature_tag << "\n";
  return Ok();
}

}  // namespace hoist::tools
