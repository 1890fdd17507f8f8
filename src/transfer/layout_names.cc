#include "transfer/layout_names.h"

#include <algorithm>

namespace hoist::transfer {

Result<std::string> LayoutNames::NameFor(const std::string& tag) const {
  if (!repository) return tag;
  if (!tag.empty() && tag[0] == '@') {  // pulled by digest: named "repo@sha256:…"
    HOIST_TRY_ASSIGN(Digest d, Digest::Parse(tag.substr(1)));
    return repository->WithDigest(d).str();
  }
  HOIST_TRY_ASSIGN(Reference r, repository->WithTag(tag));
  return r.str();
}

Result<Descriptor> FindNamed(const store::OciLayout& layout, const std::string& name) {
  HOIST_TRY_ASSIGN(Index index, layout.ReadIndex());
  std::vector<const Descriptor*> found;
  std::string all;
  for (const auto& d : index.manifests()) {
    auto it = d.annotations.find(store::kRefNameAnnotation);
    std::string n = it == d.annotations.end() ? "" : it->second;
    if (!all.empty()) all += ", ";
    all += n.empty() ? d.digest.Short() : n;
    if (name.empty() || n == name) found.push_back(&d);
  }
  if (found.empty() && !name.empty()) {
    if (auto ref = Reference::Parse(name); ref.ok()) {
      const std::string full = ref->str();
      for (const auto& d : index.manifests()) {
        auto it = d.annotations.find(store::kRefNameAnnotation);
        if (it != d.annotations.end() && it->second == full) found.push_back(&d);
      }
    }
  }
  if (found.empty()) {
    std::string m = name.empty() ? "no image in " + layout.root()
                                 : "no image named \"" + name + "\" in " + layout.root();
    if (!all.empty()) m += " (it holds: " + all + ")";
    return NotFound(std::move(m));
  }
  if (found.size() > 1) {
    return InvalidArgument(layout.root() + " holds several images (" + all + "): name one as oci:" +
                           layout.root() + ":NAME");
  }
  return *found.front();
}

void UnnamedRoots::Put(const AnyManifest& manifest, const Descriptor& d, const std::string& tag) {
  any_ = true;
  if (const auto* index = std::get_if<Index>(&manifest)) {
    for (const auto& child : index->manifests()) listed_.push_back(child.digest);
  }
  if (tag.empty()) untagged_.push_back(d);
}

std::vector<Descriptor> UnnamedRoots::Roots() const {
  std::vector<Descriptor> out;
  for (const auto& d : untagged_) {
    bool listed = std::find(listed_.begin(), listed_.end(), d.digest) != listed_.end();
    bool twice = std::any_of(out.begin(), out.end(), [&](const Descriptor& o) { return o.digest == d.digest; });
    if (!listed && !twice) out.push_back(d);
  }
  return out;
}

Result<std::vector<std::string>> ListLayoutTags(const store::OciLayout& layout, const LayoutNames& names) {
  std::vector<std::string> tags;
  if (names.repository) {
    HOIST_TRY_ASSIGN(auto named, layout.ListNamed());
    for (const auto& n : named) {
      if (n.ref.name() == names.repository->name() && n.ref.tag()) tags.push_back(*n.ref.tag());
    }
    return tags;
  }
  HOIST_TRY_ASSIGN(Index index, layout.ReadIndex());
  for (const auto& d : index.manifests()) {
    auto it = d.annotations.find(store::kRefNameAnnotation);
    if (it != d.annotations.end()) tags.push_back(it->second);
  }
  return tags;
}

}  // namespace hoist::transfer
