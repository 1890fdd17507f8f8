#include "store/image_walk.h"

#include "core/manifest.h"
#include "core/media_types.h"

namespace hoist::store {

namespace {

class Walker {
 public:
  Walker(const OciLayout& layout, std::unordered_set<Digest>& seen) : layout_(layout), seen_(seen) {}

  void Visit(const Descriptor& d, int depth, bool index_child = false) {
    if (!seen_.insert(d.digest).second) return;
    if (!layout_.HasBlob(d.digest)) {
      // Foreign layers are fetched from their URLs by whoever runs the image; they are never stored.
      if (index_child) {
        out.absent_children.push_back(d);
      } else if (!IsForeignLayer(d.media_type)) {
        out.missing.push_back(d);
      }
      return;
    }
    out.present.push_back(d);
    if (!IsManifest(d.media_type) && !IsIndex(d.media_type)) return;
    if (depth > kMaxIndexDepth) {
      out.unreadable.push_back({d, ParseError("indexes nested deeper than " + std::to_string(kMaxIndexDepth))});
      return;
    }
    auto raw = layout_.ReadBlob(d.digest, kMaxManifestSize);
    if (!raw.ok()) {
      out.unreadable.push_back({d, raw.error()});
      return;
    }
    auto any = ParseAnyManifest(std::move(raw).value(), d.media_type);
    if (!any.ok()) {
      out.unreadable.push_back({d, any.error()});
      return;
    }
    if (const auto* m = std::get_if<Manifest>(&*any)) {
      Visit(m->config(), depth + 1);
      for (const auto& l : m->layers()) Visit(l, depth + 1);
    } else {
      for (const auto& child : std::get<Index>(*any).manifests()) Visit(child, depth + 1, true);
    }
  }

  ImageWalk out;

 private:
  const OciLayout& layout_;
  std::unordered_set<Digest>& seen_;
};

}  // namespace

ImageWalk WalkImage(const OciLayout& layout, const Descriptor& root, std::unordered_set<Digest>& seen) {
  Walker w(layout, seen);
  w.Visit(root, 0);
  return std::move(w.out);
}

Result<std::vector<Descriptor>> ReachableBlobs(const OciLayout& layout, const Descriptor& root_descriptor) {
  std::unordered_set<Digest> seen;
  ImageWalk walk = WalkImage(layout, root_descriptor, seen);
  if (!walk.unreadable.empty()) {
    const auto& u = walk.unreadable.front();
    return Error(u.error).WithContext("image " + root_descriptor.digest.str() + ": manifest " +
                                      u.descriptor.digest.str());
  }
  // The strict form: an index whose platforms are not all stored is incomplete too.
  const auto& missing = walk.missing.empty() ? walk.absent_children : walk.missing;
  if (!missing.empty()) {
    return NotFound("image " + root_descriptor.digest.str() + " is incomplete: blob " +
                    missing.front().digest.str() + " is not in " + layout.root());
  }
  return std::move(walk.present);
}

}  // namespace hoist::store
