#pragma once
// The mirror config: skopeo sync's YAML (--src yaml) read as it is, plus hoist's additions under a
// per-registry `hoist:` key, which skopeo 1.9 ignores (it decodes YAML non-strictly):
//
//   registry.example.com:              # a registry host[:port]
//     tls-verify: false                # plain HTTP / unverified TLS for this host
//     cert-dir: /etc/mirror/certs      # *.crt, client.cert, client.key for this host
//     credentials: {username: u, password: p}
//     images:                          # repository → tags or digests; [] = every tag
//       library/alpine: ["3.19", "sha256:…"]
//       library/busybox: []
//     images-by-tag-regex:             # repository → regex (searched, as Go's MatchString)
//       library/nginx: ^1\.2[0-9]\.
//     images-by-semver:                # repository → range (skopeo ≥ 1.14 syntax)
//       library/redis: ">= 7.0.0 < 8"
//     hoist:                           # hoist's additions, for every repository of this registry
//       platforms: [linux/amd64, linux/arm64]   # default: every platform, index byte for byte
//       newest: 3                      # keep only the 3 highest semver tags of each selection
//       exclude: ["-rc", "alpha"]      # tags matching any of these regexes are dropped
//       signatures: true               # cosign sha256-….sig/.att/.sbom tags travel along
//       referrers: true                # OCI referrers (and their tag-schema index) travel along
//       rewrite: {"library/": "dockerhub/"}  # destination path: source prefix → replacement
//
// The destination name of docker.io/library/alpine:3.19 mirrored --to docker://HOST/PREFIX is
// HOST/PREFIX/<rewritten repository>:3.19.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/platform.h"

namespace hoist::transfer::mirror {

enum class SelectionKind { kList, kRegex, kSemver };

struct RepoSelection {
  std::string repository;         // "library/alpine", as written under the registry
  SelectionKind kind = SelectionKind::kList;
  std::vector<std::string> refs;  // kList: tags and "sha256:…" digests; empty = every tag
  std::string pattern;            // kRegex: the regex; kSemver: the range
};

struct HoistAdditions {
  std::vector<Platform> platforms;  // empty: every platform
  int newest = 0;                   // 0: no limit
  std::vector<std::string> exclude;
  bool signatures = true;
  bool referrers = true;
  std::vector<std::pair<std::string, std::string>> rewrite;  // longest matching prefix wins
};

struct RegistryConfig {
  std::string host;  // as the key is written ("docker.io", "127.0.0.1:5000")
  std::optional<bool> tls_verify;
  std::string cert_dir;
  std::string username, password;  // secrets: never printed
  bool has_credentials = false;
  std::vector<RepoSelection> selections;
  HoistAdditions hoist;
};

struct MirrorConfig {
  std::vector<RegistryConfig> registries;  // in file order
};

// Errors are kParse and name the key ("registry.example.com: images-by-semver: library/redis: …").
Result<MirrorConfig> ParseMirrorConfig(std::string_view yaml);
Result<MirrorConfig> LoadMirrorConfig(const std::string& path);

// The destination repository path of `repository` under `additions.rewrite`.
std::string RewriteRepository(const HoistAdditions& additions, const std::string& repository);

}  // namespace hoist::transfer::mirror
