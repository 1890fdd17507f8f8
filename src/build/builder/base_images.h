#pragma once
// Images a build starts from or copies from: found in the store, else pulled through the
// transfer engine (BuildOptions::pull) and found again; only this machine's platform.

#include <functional>
#include <string>

#include "build/stored_image.h"
#include "core/reference.h"
#include "store/oci_layout.h"

namespace hoist::build::builder {

using PullFunction = std::function<Status(const Reference& image)>;

Result<StoredImage> LoadBaseImage(const store::OciLayout& layout, const std::string& name, const PullFunction& pull,
                                  bool pull_always = false);

// A platform string (FROM --platform, --platform) that must name this machine's platform.
Status CheckNativePlatform(const std::string& text, const std::string& what);

}  // namespace hoist::build::builder
