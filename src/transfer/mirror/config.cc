#include "transfer/mirror/config.h"

#include <yaml-cpp/yaml.h>

#include <regex>

#include "core/fs.h"
#include "core/reference.h"
#include "transfer/mirror/semver.h"

namespace hoist::transfer::mirror {

namespace {

constexpr size_t kMaxConfigSize = 4 << 20;
constexpr size_t kMaxRegexSize = 512;
constexpr int kMaxFlowDepth = 32;

std::string Where(const YAML::Node& n) {
  return " (line " + std::to_string(n.Mark().line + 1) + ")";
}

// yaml-cpp throws; everything that may throw runs inside Parse's single try block, and these
// helpers only turn wrong shapes into Errors with the key path.
Result<std::string> Scalar(const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) return ParseError(key + ": expected a string" + Where(n));
  return n.Scalar();
}

Result<bool> Bool(const YAML::Node& n, const std::string& key) {
  bool b = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, b)) return ParseError(key + ": expected true or false" + Where(n));
  return b;
}

Status CheckRegex(const std::string& pattern, const std::string& key) {
  if (pattern.size() > kMaxRegexSize) return ParseError(key + ": regex longer than 512 characters");
  try {
    std::regex re(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return ParseError(key + ": bad regex \"" + pattern + "\": " + e.what());
  }
  return Ok();
}

Status CheckRepository(const std::string& host, const std::string& repo, const std::string& key) {
  auto ref = Reference::Parse(host + "/" + repo, ReferenceParseOptions{false});
  if (!ref.ok() || ref->tag() || ref->digest()) {
    return ParseError(key + ": \"" + repo + "\" is not a repository name");
  }
  return Ok();
}

Status ParseImages(const YAML::Node& n, const std::string& host, const std::string& key, RegistryConfig& out) {
  if (!n.IsMap()) return ParseError(key + ": expected a map of repository → list of tags" + Where(n));
  for (const auto& kv : n) {
    HOIST_TRY_ASSIGN(std::string repo, Scalar(kv.first, key));
    const std::string k = key + ": " + repo;
    HOIST_TRY(CheckRepository(host, repo, k));
    RepoSelection sel{repo, SelectionKind::kList, {}, ""};
    if (!kv.second.IsNull()) {
      if (!kv.second.IsSequence()) return ParseError(k + ": expected a list of tags or digests" + Where(kv.second));
      for (const auto& item : kv.second) {
        HOIST_TRY_ASSIGN(std::string ref, Scalar(item, k));
        const bool digest = ref.find(':') != std::string::npos;
        auto parsed = digest ? Reference::Parse(host + "/" + repo + "@" + ref)
                             : Reference::Parse(host + "/" + repo + ":" + ref);
        if (!parsed.ok()) return ParseError(k + ": \"" + ref + "\" is not a tag or a digest");
        sel.refs.push_back(ref);
      }
    }
    out.selections.push_back(std::move(sel));
  }
  return Ok();
}

Status ParsePatterns(const YAML::Node& n, const std::string& host, const std::string& key, SelectionKind kind,
                     RegistryConfig& out) {
  if (!n.IsMap()) return ParseError(key + ": expected a map of repository → pattern" + Where(n));
  for (const auto& kv : n) {
    HOIST_TRY_ASSIGN(std::string repo, Scalar(kv.first, key));
    const std::string k = key + ": " + repo;
    HOIST_TRY(CheckRepository(host, repo, k));
    HOIST_TRY_ASSIGN(std::string pattern, Scalar(kv.second, k));
    if (kind == SelectionKind::kRegex) {
      HOIST_TRY(CheckRegex(pattern, k));
    } else {
      auto range = VersionRange::Parse(pattern);
      if (!range.ok()) return ParseError(k + ": " + range.error().message());
    }
    out.selections.push_back(RepoSelection{repo, kind, {}, pattern});
  }
  return Ok();
}

Status ParseAdditions(const YAML::Node& n, const std::string& key, HoistAdditions& out) {
  if (!n.IsMap()) return ParseError(key + ": expected a map" + Where(n));
  for (const auto& kv : n) {
    HOIST_TRY_ASSIGN(std::string name, Scalar(kv.first, key));
    const std::string k = key + ": " + name;
    const YAML::Node& v = kv.second;
    if (name == "platforms") {
      if (!v.IsSequence()) return ParseError(k + ": expected a list like [linux/amd64]" + Where(v));
      for (const auto& item : v) {
        HOIST_TRY_ASSIGN(std::string text, Scalar(item, k));
        auto p = Platform::Parse(text);
        if (!p.ok()) return ParseError(k + ": " + p.error().message());
        out.platforms.push_back(*p);
      }
    } else if (name == "newest") {
      int newest = 0;
      if (!v.IsScalar() || !YAML::convert<int>::decode(v, newest) || newest < 1) {
        return ParseError(k + ": expected a whole number of tags, at least 1" + Where(v));
      }
      out.newest = newest;
    } else if (name == "exclude") {
      if (!v.IsSequence()) return ParseError(k + ": expected a list of regexes" + Where(v));
      for (const auto& item : v) {
        HOIST_TRY_ASSIGN(std::string re, Scalar(item, k));
        HOIST_TRY(CheckRegex(re, k));
        out.exclude.push_back(re);
      }
    } else if (name == "signatures") {
      HOIST_TRY_ASSIGN(out.signatures, Bool(v, k));
    } else if (name == "referrers") {
      HOIST_TRY_ASSIGN(out.referrers, Bool(v, k));
    } else if (name == "rewrite") {
      if (!v.IsMap()) return ParseError(k + ": expected a map of source prefix → destination prefix" + Where(v));
      for (const auto& r : v) {
        HOIST_TRY_ASSIGN(std::string from, Scalar(r.first, k));
        std::string to;
        if (!r.second.IsNull()) {
          HOIST_TRY_ASSIGN(to, Scalar(r.second, k + ": " + from));
        }
        out.rewrite.emplace_back(from, to);
      }
    } else {
      return ParseError(k + ": unknown key (known: platforms, newest, exclude, signatures, referrers, rewrite)");
    }
  }
  return Ok();
}

Status ParseRegistry(const std::string& host, const YAML::Node& n, RegistryConfig& out) {
  out.host = host;
  if (!Reference::ValidateDomain(host).ok()) return ParseError(host + ": not a registry host[:port]");
  if (!n.IsMap()) return ParseError(host + ": expected a map (images, tls-verify, …)" + Where(n));
  for (const auto& kv : n) {
    HOIST_TRY_ASSIGN(std::string name, Scalar(kv.first, host));
    const std::string k = host + ": " + name;
    const YAML::Node& v = kv.second;
    if (name == "images") {
      HOIST_TRY(ParseImages(v, host, k, out));
    } else if (name == "images-by-tag-regex") {
      HOIST_TRY(ParsePatterns(v, host, k, SelectionKind::kRegex, out));
    } else if (name == "images-by-semver") {
      HOIST_TRY(ParsePatterns(v, host, k, SelectionKind::kSemver, out));
    } else if (name == "tls-verify") {
      HOIST_TRY_ASSIGN(bool b, Bool(v, k));
      out.tls_verify = b;
    } else if (name == "cert-dir") {
      HOIST_TRY_ASSIGN(out.cert_dir, Scalar(v, k));
    } else if (name == "credentials") {
      if (!v.IsMap()) return ParseError(k + ": expected {username: …, password: …}" + Where(v));
      for (const auto& c : v) {
        HOIST_TRY_ASSIGN(std::string field, Scalar(c.first, k));
        // The value is a secret: its text never goes into a message.
        if (!c.second.IsScalar()) return ParseError(k + ": " + field + ": expected a string" + Where(c.second));
        if (field == "username") out.username = c.second.Scalar();
        else if (field == "password") out.password = c.second.Scalar();
        else return ParseError(k + ": unknown key \"" + field + "\" (known: username, password)");
      }
      out.has_credentials = true;
    } else if (name == "hoist") {
      HOIST_TRY(ParseAdditions(v, k, out.hoist));
    }
    // Other keys are ignored, as skopeo does (newer skopeo versions add keys).
  }
  return Ok();
}

Status CheckFlowDepth(std::string_view text) {
  int depth = 0;
  for (char c : text) {
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
    if (depth > kMaxFlowDepth) return ParseError("mirror config nests [ ] or { } more than 32 deep");
  }
  return Ok();
}

}  // namespace

Result<MirrorConfig> ParseMirrorConfig(std::string_view yaml) {
  if (yaml.size() > kMaxConfigSize) return ParseError("mirror config larger than 4 MiB");
  HOIST_TRY(CheckFlowDepth(yaml));
  MirrorConfig config;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (root.IsNull()) return ParseError("mirror config is empty: expected registry hosts as top-level keys");
    if (!root.IsMap()) return ParseError("mirror config: expected registry hosts as top-level keys" + Where(root));
    for (const auto& kv : root) {
      if (!kv.first.IsScalar()) return ParseError("mirror config: a top-level key is not a string" + Where(kv.first));
      RegistryConfig reg;
      HOIST_TRY(ParseRegistry(kv.first.Scalar(), kv.second, reg));
      config.registries.push_back(std::move(reg));
    }
  } catch (const YAML::Exception& e) {
    return ParseError(std::string("mirror config is not valid YAML: ") + e.what());
  } catch (const std::exception& e) {
    return ParseError(std::string("mirror config: ") + e.what());
  }
  return config;
}

Result<MirrorConfig> LoadMirrorConfig(const std::string& path) {
  auto text = ReadFileToString(path, kMaxConfigSize + 1);
  if (!text.ok()) return std::move(text).error().WithContext("mirror config " + path);
  auto config = ParseMirrorConfig(*text);
  if (!config.ok()) return std::move(config).error().WithContext(path);
  return config;
}

std::string RewriteRepository(const HoistAdditions& additions, const std::string& repository) {
  const std::pair<std::string, std::string>* best = nullptr;
  for (const auto& r : additions.rewrite) {
    if (repository.rfind(r.first, 0) == 0 && (!best || r.first.size() > best->first.size())) best = &r;
  }
  if (!best) return repository;
  return best->second + repository.substr(best->first.size());
}

}  // namespace hoist::transfer::mirror
