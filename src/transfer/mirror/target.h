#pragma once
// Where a mirror goes (--to): a registry, docker://HOST[/PREFIX], or an air-gap bundle, dir:PATH.

#include <string>
#include <string_view>

#include "core/error.h"
#include "transfer/location.h"
#include "transfer/mirror/image_list.h"

namespace hoist::transfer::mirror {

struct Target {
  enum class Kind { kRegistry, kBundle } kind = Kind::kRegistry;
  std::string host;    // kRegistry
  std::string prefix;  // kRegistry: path below the host ("" or "mirror/team")
  std::string dir;     // kBundle
  std::string str() const;
};

// kInvalidArgument quoting the text.
Result<Target> ParseTarget(std::string_view text);

// docker://HOST/PREFIX/REPO:TAG (or @DIGEST) for a registry target.
Result<Location> RegistryDestination(const Target& target, const MirrorImage& image);

}  // namespace hoist::transfer::mirror
