#pragma once
// How an OCI layout names images in index.json (org.opencontainers.image.ref.name):
//   the store   — the full normalized reference ("127.0.0.1:5000/team/app:v1"); a tag is a tag of
//                 one repository;
//   oci:DIR:REF — REF exactly as the user wrote it ("v1", "app:v1"), as skopeo and umoci do.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/reference.h"
#include "store/oci_layout.h"

namespace hoist::transfer {

struct LayoutNames {
  // Set for the store: names are references in this repository (no tag, no digest).
  std::optional<Reference> repository;

  // The ref.name for `tag`; in the store, "@sha256:…" names the image by digest ("repo@sha256:…").
  Result<std::string> NameFor(const std::string& tag) const;
};

// The entry of index.json called `name`; with `name` empty, the only entry (an error when there
// are several, listing them).
Result<Descriptor> FindNamed(const store::OciLayout& layout, const std::string& name);

// Tags of `names.repository` in the store; every ref.name in an oci: layout.
Result<std::vector<std::string>> ListLayoutTags(const store::OciLayout& layout, const LayoutNames& names);

}  // namespace hoist::transfer
