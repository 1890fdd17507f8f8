#include "transfer/layout_names.h"

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
