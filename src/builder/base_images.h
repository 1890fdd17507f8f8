#pragma once
// Images a build starts from or copies from: found in the store, else pulled through the
// transfer engine (BuildOptions::pull) and found again; the image for the platform being built.

#include <functional>
#include <string>
#include <vector>

#include "container/stored_image.h"
#include "core/reference.h"
#include "store/oci_layout.h"

namespace hoist::builder {

// Pulls `image` for `platform` (and whatever else the caller builds for) into the store.
using PullFunction = std::function<Status(const Reference& image, const Platform& platform)>;

Result<container::StoredImage> LoadBaseImage(const store::OciLayout& layout, const std::string& name,
                                             const PullFunction& pull, bool pull_always, const Platform& platform);

// --platform's value: one platform or a comma-separated list (each once, normalised for comparison but
// kept as written, e.g. linux/arm64); empty: this machine's. kMaxBuildPlatforms bounds the list.
inline constexpr size_t kMaxBuildPlatforms = 16;
Result<std::vector<Platform>> ParseBuildPlatforms(const std::string& text);

// A platform as BuildKit spells it in TARGETPLATFORM and in an index: arm64's default variant v8 left out.
Platform BuildKitPlatform(const Platform& p);

}  // namespace hoist::builder
