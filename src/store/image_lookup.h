#pragma once
// The stored image a command-line argument names, as docker reads it: a reference ("alpine",
// "example.com/app:v1", "app@sha256:…"), else an image ID as `hoist images` shows it (the full
// "sha256:…" or a prefix of its hex that only one image has).

#include <optional>
#include <string>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/reference.h"
#include "store/oci_layout.h"

namespace hoist::store {

struct FoundImage {
  Descriptor descriptor;          // the manifest or index
  std::optional<Reference> name;  // the name it was found by; nullopt when found by digest or ID
  bool by_id = false;             // found by image ID (or digest), not by name
};

// kNotFound names the argument; an ID prefix several images share is kInvalidArgument.
Result<FoundImage> FindImage(const OciLayout& layout, const std::string& arg);

// "sha256:" plus hex, or bare hex: something that could be an image ID or its prefix.
bool LooksLikeImageId(const std::string& arg);

}  // namespace hoist::store
