#pragma once
// The platform an image runs on (os/architecture/variant), as the OCI index and image config carry
// it, with containerd-style normalisation so that "linux/aarch64" and "linux/arm64/v8" are one thing.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace hoist {

struct Platform {
  std::string os;            // "linux", "windows", "unknown" (buildkit attestations)
  std::string architecture;  // GOARCH spelling: "amd64", "arm64", "arm", "386", "ppc64le", …
  std::string variant;       // "v8", "v7", "v6"; empty when the architecture has none
  std::string os_version;    // "os.version", e.g. Windows' "10.0.17763.1879"
  std::vector<std::string> os_features;  // "os.features"

  // "linux/arm64/v8", "linux/amd64" (OS/ARCH[/VARIANT]); not normalised.
  static Result<Platform> Parse(std::string_view text);
  // The machine hoist runs on, normalised.
  static Platform Host();

  // "linux/arm64/v8", or "linux/amd64" when there is no variant.
  std::string str() const;

  // Canonical spelling, as containerd does: lowercase; x86_64/x86-64 → amd64 (variant v1 dropped);
  // aarch64 → arm64; arm64 without a variant (or "8") → arm64/v8; armhf → arm/v7; armel → arm/v6;
  // arm without a variant → arm/v7; a bare variant number gains its "v"; i386…i686 → 386;
  // macos → darwin.
  Platform Normalized() const;
  void Normalize() { *this = Normalized(); }

  // Whether an image for this platform serves `want`: same OS and architecture after
  // normalisation; the variant must match too unless `want` names none; os.version must match
  // when `want` names one.
  bool Matches(const Platform& want) const;

  bool operator==(const Platform& o) const {
    return os == o.os && architecture == o.architecture && variant == o.variant && os_version == o.os_version &&
           os_features == o.os_features;
  }
  bool operator!=(const Platform& o) const { return !(*this == o); }
};

// JSON form of a descriptor's "platform" object. `path` names it in errors ("manifests[1].platform").
Result<Platform> PlatformFromJson(const nlohmann::ordered_json& j, std::string_view path);
nlohmann::ordered_json ToJson(const Platform& p);

}  // namespace hoist
