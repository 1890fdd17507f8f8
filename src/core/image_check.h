#pragma once
// The one check of an image config wherever an image enters hoist's hands (pull and copy, load of
// OCI and docker archives, a build's base): a config hoist cannot read (nested too deep, invalid
// UTF-8 or a lone surrogate escape, a duplicate key, diff_ids that do not match the layers) is
// refused before anything is stored or named, instead of failing later in inspect, history or save.

#include <string>

#include "core/error.h"
#include "core/manifest.h"

namespace hoist {

// Whether `m` is a container image, whose config must be an image config hoist can read: an image
// config media type and only layer blobs. Artifacts such as cosign signatures reuse the config media
// type with an empty platform and non-layer blobs, and are not held to it.
bool HasImageConfig(const Manifest& m);

// ImageConfig::Parse (strict: kJsonMaxDepth, no duplicate keys, valid UTF-8) and the diff_ids
// against the manifest's layers. `raw` must already be verified against m.config().
Status CheckImageConfig(const Manifest& m, std::string raw);

}  // namespace hoist
