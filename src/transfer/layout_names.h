#pragma once
// How an OCI layout names images in index.json (org.opencontainers.image.ref.name):
//   the store   — the full normalized reference ("127.0.0.1:5000/team/app:v1"); a tag is a tag of
//                 one repository;
//   oci:DIR:REF — REF exactly as the user wrote it ("v1", "app:v1"), as skopeo and umoci do; an
//                 image copied with no name (by digest, or oci-archive: without REF) gets an
//                 entry without ref.name, as skopeo writes it.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/descriptor.h"
#include "core/manifest.h"
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

// The entry of index.json called `name`, verbatim (skopeo's lookup); failing that, when `name`
// parses as a reference, the entry named by its normalized form ("app" finds the store's
// "docker.io/library/app:latest"). With `name` empty, the only entry (an error when there are
// several, listing them).
Result<Descriptor> FindNamed(const store::OciLayout& layout, const std::string& name);

// The manifests a destination was given without a name that no other manifest it was given lists
// (the top of an image copied by digest or without REF, not an index's children): they get an
// index.json entry without ref.name.
class UnnamedRoots {
 public:
  void Put(const AnyManifest& manifest, const Descriptor& d, const std::string& tag);
  bool empty() const { return !any_; }
  std::vector<Descriptor> Roots() const;

 private:
  bool any_ = false;
  std::vector<Descriptor> untagged_;
  std::vector<Digest> listed_;  // children of the indexes put
};

// Tags of `names.repository` in the store; every ref.name in an oci: layout.
Result<std::vector<std::string>> ListLayoutTags(const store::OciLayout& layout, const LayoutNames& names);

}  // namespace hoist::transfer
