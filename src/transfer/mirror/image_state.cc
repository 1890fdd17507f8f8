#include "transfer/mirror/image_state.h"

namespace hoist::transfer::mirror {

namespace {

Result<bool> Points(const registry::Repository& repo, const std::string& reference, const Digest& want,
                    const std::set<std::string>* tags) {
  const bool is_tag = reference.find(':') == std::string::npos;
  if (is_tag && tags && !tags->count(reference)) return false;
  HOIST_TRY_ASSIGN(auto head, repo.HeadManifest(reference));
  return head.has_value() && head->digest == want;
}

}  // namespace

Result<ImageState> InspectImage(ImageSource& source, const MirrorImage& image,
                                const registry::Repository* destination, bool check_blobs,
                                const std::set<std::string>* destination_tags) {
  ImageState state;
  HOIST_TRY_ASSIGN(state.plan, PlanImage(source, image.platforms, image.tag));
  if (image.signatures || image.referrers) HOIST_TRY(PlanAttached(source, state.plan));
  if (!destination) return state;
  const Digest& top = state.plan.top.digest;
  HOIST_TRY_ASSIGN(state.up_to_date, Points(*destination, image.tag.empty() ? top.str() : image.tag, top,
                                                destination_tags));
  for (const auto& m : state.plan.manifests) {
    if (!state.up_to_date) break;
    if (m.tag == image.tag && m.descriptor.digest == top) continue;
    // Attached manifests are looked up by their tag (a new signature moves it); the rest by digest.
    const std::string ref = m.tag.empty() ? m.descriptor.digest.str() : m.tag;
    HOIST_TRY_ASSIGN(state.up_to_date, Points(*destination, ref, m.descriptor.digest, destination_tags));
  }
  if (check_blobs) {
    for (const auto& b : state.plan.blobs) {
      HOIST_TRY_ASSIGN(auto info, destination->HeadBlob(b.digest));
      if (!info) state.missing_blobs.push_back(b);
    }
  }
  return state;
}

}  // namespace hoist::transfer::mirror
