#include "transfer/mirror/mirror_run.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <map>
#include <set>

#include "transfer/copy.h"
#include "transfer/mirror/attached_filter.h"
#include "transfer/mirror/attached_lookup.h"
#include "transfer/mirror/destination_repos.h"
#include "transfer/mirror/image_state.h"
#include "transfer/mirror/mirror_destination.h"
#include "transfer/mirror/parallel.h"

namespace hoist::transfer::mirror {

ImageResult ResultFor(const MirrorImage& image) {
  ImageResult r;
  r.name = image.name();
  r.source = image.source.str();
  return r;
}

void AddListingFailures(const ImageList& list, MirrorSummary& summary) {
  for (const auto& f : list.failures) {
    ImageResult r;
    r.name = f.source;
    r.source = f.source;
    r.outcome = Outcome::kFailed;
    r.reason = f.reason;
    summary.images.push_back(std::move(r));
  }
}

namespace {

// What every image of one run shares: source repositories' tag lists (for attached manifests),
// destination repositories (one auth transport each) and their tag lists.
struct RunState {
  RunState(const ImageList& list, const Endpoints& ep, registry::Access access)
      : attached(ep), destinations(ep, access) {
    SeedAttachedLookup(list, attached);
  }
  AttachedLookup attached;
  DestinationRepos destinations;
};

struct Opened {
  std::unique_ptr<ImageSource> source;
  std::unique_ptr<AttachedFilter> filtered;
  Location destination;
  std::optional<registry::Repository> repo;  // the destination, for manifest HEADs and the copy
  std::shared_ptr<const std::set<std::string>> destination_tags;  // null: unknown
  std::vector<std::string> mount_hints;  // the source repository, when on the destination's registry
};

Result<Opened> Open(const MirrorImage& image, const Target* target, const Endpoints& ep, RunState& run) {
  Opened o;
  HOIST_TRY_ASSIGN(o.source, OpenSource(image.source, ep));
  AttachedFilter::Lister lister;
  if (image.source.kind == LocationKind::kRegistry) {
    lister = [&run, ref = *image.source.ref, sig = image.signatures, refs = image.referrers](const Descriptor& subject) {
      return run.attached.Find(ref, subject, sig, refs);
    };
  }
  o.filtered = std::make_unique<AttachedFilter>(*o.source, image.signatures, image.referrers, std::move(lister));
  if (target && target->kind == Target::Kind::kRegistry) {
    HOIST_TRY_ASSIGN(o.destination, RegistryDestination(*target, image));
    const Reference& to = *o.destination.ref;
    if (image.source.kind == LocationKind::kRegistry && image.source.ref->domain() == to.domain() &&
        image.source.ref->repository() != to.repository()) {
      o.mount_hints.push_back(image.source.ref->repository());
    }
    HOIST_TRY_ASSIGN(auto dest, run.destinations.Open(to, o.mount_hints));
    o.repo = std::move(dest.repo);
    o.destination_tags = std::move(dest.tags);
  }
  return o;
}

void Fail(ImageResult& r, const Error& e) {
  r.outcome = Outcome::kFailed;
  r.reason = e.message();
}

template <typename Fn>
MirrorSummary ForEachImage(const ImageList& list, const MirrorOptions& options, Fn fn) {
  const auto start = std::chrono::steady_clock::now();
  MirrorSummary summary;
  summary.images.resize(list.images.size());
  std::mutex mu;
  ParallelFor(list.images.size(), options.image_jobs, [&](size_t i) {
    ImageResult r = ResultFor(list.images[i]);
    fn(list.images[i], r);
    std::lock_guard lock(mu);
    if (options.on_image) options.on_image(r);
    summary.images[i] = std::move(r);
  });
  AddListingFailures(list, summary);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace

void SeedAttachedLookup(const ImageList& list, AttachedLookup& lookup) {
  for (const auto& [key, tags] : list.tag_listings) lookup.Seed(key, tags);
  std::map<std::string, int> images;  // per source repository
  for (const auto& im : list.images) {
    if (im.source.kind == LocationKind::kRegistry && ++images[AttachedLookup::Key(*im.source.ref)] == 2) {
      lookup.AllowListing(AttachedLookup::Key(*im.source.ref));
    }
  }
}

int BlobJobsPerImage(const MirrorOptions& options, size_t images) {
  const int image_jobs = std::max(1, options.image_jobs), blob_jobs = std::max(1, options.blob_jobs);
  const int at_once = static_cast<int>(std::clamp<size_t>(images, 1, static_cast<size_t>(image_jobs)));
  return std::clamp(std::max(image_jobs, blob_jobs) / at_once, 1, blob_jobs);
}

MirrorSummary PlanMirror(const ImageList& list, const Target* target, const Endpoints& ep,
                         const MirrorOptions& options) {
  RunState run(list, ep, registry::Access::kPull);
  std::mutex mu;
  std::map<std::string, uint64_t> unique_new;  // digest → size, across images
  MirrorSummary s = ForEachImage(list, options, [&](const MirrorImage& image, ImageResult& r) {
    auto opened = Open(image, target, ep, run);
    if (!opened.ok()) return Fail(r, opened.error());
    if (opened->repo) r.destination = opened->destination.str();
    auto state = InspectImage(*opened->filtered, image, opened->repo ? &*opened->repo : nullptr, true,
                              opened->destination_tags.get());
    if (!state.ok()) return Fail(r, state.error());
    r.digest = state->plan.top.digest.str();
    r.manifests = static_cast<int>(state->plan.manifests.size());
    r.blobs = static_cast<int>(state->plan.blobs.size());
    r.outcome = state->up_to_date ? Outcome::kUpToDate : Outcome::kPlanned;
    if (state->up_to_date) return;
    const auto& missing = opened->repo ? state->missing_blobs : state->plan.blobs;
    std::lock_guard lock(mu);
    for (const auto& b : missing) {
      r.new_blobs.push_back(b.digest.str());
      r.bytes += static_cast<uint64_t>(b.size);
      unique_new[b.digest.str()] = static_cast<uint64_t>(b.size);
    }
  });
  s.unique_new_blobs = unique_new.size();
  for (const auto& [d, size] : unique_new) s.unique_new_bytes += size;
  return s;
}

MirrorSummary RunMirror(const ImageList& list, const Target& target, const Endpoints& ep,
                        const MirrorOptions& options) {
  RunState run(list, ep, registry::Access::kPush);
  const int blob_jobs = BlobJobsPerImage(options, list.images.size());
  return ForEachImage(list, options, [&](const MirrorImage& image, ImageResult& r) {
    auto opened = Open(image, &target, ep, run);
    if (!opened.ok()) return Fail(r, opened.error());
    r.destination = opened->destination.str();
    auto state = InspectImage(*opened->filtered, image, &*opened->repo, false, opened->destination_tags.get());
    if (!state.ok()) return Fail(r, state.error());
    r.digest = state->plan.top.digest.str();
    r.manifests = static_cast<int>(state->plan.manifests.size());
    r.blobs = static_cast<int>(state->plan.blobs.size());
    if (state->up_to_date) {
      r.outcome = Outcome::kUpToDate;
      return;
    }
    RegistryDestinationOptions to;
    to.cache = ep.cache;
    to.resume = ep.resume;
    to.mount_hints = opened->mount_hints;
    MirrorDestination dst(*opened->repo, *opened->destination.ref, std::move(to));
    CopyOptions copy;
    copy.tag = image.tag;
    copy.platforms = image.platforms;
    copy.jobs = blob_jobs;
    copy.signatures = image.signatures || image.referrers;
    auto report = Copy(*opened->filtered, dst, copy);
    if (!report.ok()) return Fail(r, report.error());
    r.outcome = Outcome::kCopied;
    r.digest = report->image.digest.str();
    r.blobs_copied = report->copied;
    r.blobs_reused = report->reused;
    r.blobs_mounted = report->mounted;
    r.bytes = report->bytes;
  });
}

}  // namespace hoist::transfer::mirror
