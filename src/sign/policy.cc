#include "sign/policy.h"

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/fs.h"
#include "core/json_parse.h"
#include "sign/key_files.h"
#include "sign/verify.h"

namespace hoist::sign {

namespace {

using nlohmann::json;

constexpr uint64_t kMaxPolicySize = 1 << 20;

std::string StringMember(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<PublicKey> KeyFromPath(const std::string& path, const std::string& base_dir) {
  std::string full = !path.empty() && path[0] != '/' && !base_dir.empty() ? base_dir + "/" + path : path;
  return ReadPublicKeyFile(full);
}

Result<PolicyRequirement> ParseRequirement(const json& j, const std::string& where, const std::string& base_dir) {
  if (!j.is_object()) return ParseError(where + ": a requirement must be an object");
  const std::string type = StringMember(j, "type");
  PolicyRequirement r;
  if (type == "insecureAcceptAnything") {
    r.kind = PolicyRequirement::Kind::kAcceptAnything;
    return r;
  }
  if (type == "reject") {
    r.kind = PolicyRequirement::Kind::kReject;
    return r;
  }
  if (type != "sigstoreSigned") {
    return Unsupported(where + ": requirement type \"" + type +
                       "\" is not supported by hoist (insecureAcceptAnything, reject, sigstoreSigned are)");
  }
  r.kind = PolicyRequirement::Kind::kSigstoreSigned;
  std::vector<std::string> paths;
  if (j.contains("keyPath")) paths.push_back(StringMember(j, "keyPath"));
  if (auto it = j.find("keyPaths"); it != j.end()) {
    if (!it->is_array()) return ParseError(where + ": keyPaths must be an array");
    for (const auto& p : *it) paths.push_back(p.is_string() ? p.get<std::string>() : "");
  }
  for (const auto& p : paths) {
    if (p.empty()) return ParseError(where + ": keyPath must be a non-empty string");
    auto key = KeyFromPath(p, base_dir);
    if (!key.ok()) return std::move(key).error().WithContext(where);
    r.keys.push_back(std::move(*key));
  }
  if (j.contains("keyData")) {
    auto pem = DecodeBase64(StringMember(j, "keyData"));
    if (!pem) return ParseError(where + ": keyData is not base64");
    auto key = PublicKey::FromPem(*pem);
    if (!key.ok()) return std::move(key).error().WithContext(where + ": keyData");
    r.keys.push_back(std::move(*key));
  }
  if (j.contains("fulcio") || j.contains("rekorPublicKeyPath") || j.contains("rekorPublicKeyData")) {
    return Unsupported(where + ": Fulcio and Rekor requirements are not supported by hoist (use keys)");
  }
  if (r.keys.empty()) return ParseError(where + ": sigstoreSigned needs keyPath, keyPaths or keyData");
  if (auto it = j.find("signedIdentity"); it != j.end()) {
    const std::string id = it->is_object() ? StringMember(*it, "type") : "";
    if (id == "exactRepository") {
      auto repo = Reference::Parse(StringMember(*it, "dockerRepository"), ReferenceParseOptions{false});
      if (!repo.ok()) return ParseError(where + ": signedIdentity.dockerRepository: " + repo.error().message());
      r.exact_repository = repo->Bare();
    } else if (id != "matchRepoDigestOrExact" && id != "matchRepository" && id != "matchExact") {
      // cosign payloads name a repository, never a tag, so the three match* types agree here.
      return Unsupported(where + ": signedIdentity type \"" + id + "\" is not supported by hoist");
    }
  }
  return r;
}

Result<std::vector<PolicyRequirement>> ParseList(const json& j, const std::string& where, const std::string& base_dir) {
  if (!j.is_array() || j.empty()) return ParseError(where + " must be a non-empty array of requirements");
  std::vector<PolicyRequirement> out;
  for (size_t i = 0; i < j.size(); ++i) {
    HOIST_TRY_ASSIGN(auto r, ParseRequirement(j[i], where + "[" + std::to_string(i) + "]", base_dir));
    out.push_back(std::move(r));
  }
  return out;
}

// The scopes to try for `ref`, most specific first (containers-policy.json(5), docker transport).
std::vector<std::string> ScopesFor(const Reference& ref) {
  std::vector<std::string> scopes;
  if (ref.digest()) scopes.push_back(ref.name() + "@" + ref.digest()->str());
  if (ref.tag()) scopes.push_back(ref.name() + ":" + *ref.tag());
  std::string name = ref.name();
  scopes.push_back(name);
  for (auto slash = name.rfind('/'); slash != std::string::npos; slash = name.rfind('/')) {
    name = name.substr(0, slash);
    scopes.push_back(name);  // namespaces, then the host
  }
  std::string host = ref.domain();
  if (auto colon = host.find(':'); colon != std::string::npos && host[0] != '[') host = host.substr(0, colon);
  for (auto dot = host.find('.'); dot != std::string::npos; dot = host.find('.', dot + 1)) {
    scopes.push_back("*" + host.substr(dot));
  }
  scopes.push_back("");
  return scopes;
}

}  // namespace

Result<TrustPolicy> TrustPolicy::Parse(std::string_view text, const std::string& base_dir) {
  auto parsed = ParseJson(text);
  if (!parsed.ok()) return ParseError("policy: " + parsed.error().message());
  const json& doc = *parsed;
  if (!doc.is_object()) return ParseError("policy: not a JSON object");
  TrustPolicy p;
  auto def = doc.find("default");
  if (def == doc.end()) return ParseError("policy: \"default\" is missing");
  HOIST_TRY_ASSIGN(p.default_, ParseList(*def, "policy: default", base_dir));
  if (auto tr = doc.find("transports"); tr != doc.end()) {
    if (!tr->is_object()) return ParseError("policy: \"transports\" must be an object");
    for (const auto& [transport, scopes] : tr->items()) {
      if (!scopes.is_object()) return ParseError("policy: transports." + transport + " must be an object");
      if (transport != "docker") continue;  // other transports (oci, dir…) name local paths: not checked here
      for (const auto& [scope, reqs] : scopes.items()) {
        HOIST_TRY_ASSIGN(auto list, ParseList(reqs, "policy: transports.docker[\"" + scope + "\"]", base_dir));
        p.docker_.emplace_back(scope, std::move(list));
      }
    }
  }
  return p;
}

Result<TrustPolicy> TrustPolicy::Load(const std::string& path) {
  auto text = ReadFileToString(path, kMaxPolicySize);
  if (!text.ok()) return std::move(text).error().WithContext("reading policy " + path);
  auto p = Parse(*text, DirName(path));
  if (!p.ok()) return std::move(p).error().WithContext(path);
  return p;
}

TrustPolicy TrustPolicy::RequireKey(PublicKey key) {
  TrustPolicy p;
  PolicyRequirement r;
  r.kind = PolicyRequirement::Kind::kSigstoreSigned;
  r.keys.push_back(std::move(key));
  p.default_.push_back(std::move(r));
  return p;
}

TrustPolicy::Match TrustPolicy::RequirementsFor(const Reference& ref) const {
  for (const std::string& scope : ScopesFor(ref)) {
    for (const auto& [s, reqs] : docker_) {
      if (s == scope) return Match{&reqs, scope.empty() ? "transports.docker[\"\"]" : scope};
    }
  }
  return Match{&default_, "default"};
}

Status CheckPolicy(const TrustPolicy& policy, const Reference& ref, const Digest& digest, SignatureStore& store,
                   bool require_signature) {
  TrustPolicy::Match match = policy.RequirementsFor(ref);
  const std::string denied = "policy (" + match.scope + ") refuses " + ref.str();
  bool signature_checked = false;
  for (const PolicyRequirement& r : *match.requirements) {
    switch (r.kind) {
      case PolicyRequirement::Kind::kAcceptAnything: continue;
      case PolicyRequirement::Kind::kReject: return Error(ErrorCode::kDenied, denied + ": images here are rejected");
      case PolicyRequirement::Kind::kSigstoreSigned: break;
    }
    VerifyOptions options;
    options.repository = r.exact_repository ? *r.exact_repository : ref.Bare();
    std::string reasons;
    bool ok = false;
    for (const PublicKey& key : r.keys) {
      HOIST_TRY_ASSIGN(VerifyReport report, VerifyDigest(store, key, digest, options));
      auto st = RequireVerified(report, ref.str());
      if (st.ok()) {
        ok = true;
        break;
      }
      reasons = st.error().message();
    }
    if (!ok) return Error(ErrorCode::kDenied, denied + ": " + reasons);
    signature_checked = true;
  }
  if (require_signature && !signature_checked) {
    return Error(ErrorCode::kDenied, "content trust is on and policy (" + match.scope + ") asks no signature of " +
                                         ref.str() + ": add a sigstoreSigned requirement or give --verify-key");
  }
  return Ok();
}

}  // namespace hoist::sign
