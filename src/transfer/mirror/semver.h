#pragma once
// Semantic versions as container tags write them ("1.2.3", "v1.2", "1.25.3-alpine" is a
// pre-release) and ranges over them in the syntax skopeo sync's images-by-semver uses
// (Masterminds/semver): ">= 1.2.0 < 2", ">=1.2, <2", "^1.4", "~1.4.2", "1.x", "*", "a || b".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hoist::transfer::mirror {

struct Version {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease;  // after '-'; empty for a release
  // A leading "v" is allowed; missing minor/patch are 0; build metadata (+…) is ignored.
  static std::optional<Version> Parse(std::string_view text);
};

// Semver precedence (pre-releases before their release, identifiers compared as semver says).
int Compare(const Version& a, const Version& b);

class VersionRange {
 public:
  // kParse naming the part it could not read.
  static Result<VersionRange> Parse(std::string_view text);
  // Pre-releases match only a comparison that names a pre-release of the same major.minor.patch.
  bool Contains(const Version& v) const;

 private:
  enum class Op { kEq, kNe, kGt, kGe, kLt, kLe };
  struct Comparison {
    Op op;
    Version version;
  };
  // Alternatives (||) of conjunctions.
  std::vector<std::vector<Comparison>> alternatives_;
};

}  // namespace hoist::transfer::mirror
