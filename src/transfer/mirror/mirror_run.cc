#include "transfer/mirror/mirror_run.h"

#include <chrono>
#include <mutex>
#include <map>

#include "transfer/copy.h"
#include "transfer/mirror/attached_filter.h"
#include "transfer/mirror/image_state.h"
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

struct Opened {
  std::unique_ptr<ImageSource> source;
  std::unique_ptr<AttachedFilter> filtered;
  Location destination;
  std::optional<registry::Repository> repo;  // the destination, for manifest and blob HEADs
};

Result<Opened> Open(const MirrorImage& image, const Target* target, const Endpoints& ep) {
  Opened o;
  HOIST_TRY_ASSIGN(o.source, OpenSource(image.source, ep));
  o.filtered = std::make_unique<AttachedFilter>(*o.source, image.signatures, image.referrers);
  if (target && target->kind == Target::Kind::kRegistry) {
    HOIST_TRY_ASSIGN(o.destination, RegistryDestination(*target, image));
    HOIST_TRY_ASSIGN(auto repo, ep.client->OpenRepository(*o.destination.ref, registry::Access::kPull));
    o.repo = std::move(repo);
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

MirrorSummary PlanMirror(const ImageList& list, const Target* target, const Endpoints& ep,
                         const MirrorOptions& options) {
  std::mutex mu;
  std::map<std::string, uint64_t> unique_new;  // digest → size, across images
  MirrorSummary s = ForEachImage(list, options, [&](const MirrorImage& image, ImageResult& r) {
    auto opened = Open(image, target, ep);
    if (!opened.ok()) return Fail(r, opened.error());
    if (opened->repo) r.destination = opened->destination.str();
    auto state = InspectImage(*opened->filtered, image, opened->repo ? &*opened->repo : nullptr, true);
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
  return ForEachImage(list, options, [&](const MirrorImage& image, ImageResult& r) {
    auto opened = Open(image, &target, ep);
    if (!opened.ok()) return Fail(r, opened.error());
    r.destination = opened->destination.str();
    auto state = InspectImage(*opened->filtered, image, &*opened->repo, false);
    if (!state.ok()) return Fail(r, state.error());
    r.digest = state->plan.top.digest.str();
    r.manifests = static_cast<int>(state->plan.manifests.size());
    r.blobs = static_cast<int>(state->plan.blobs.size());
    if (state->up_to_date) {
      r.outcome = Outcome::kUpToDate;
      return;
    }
    auto dst = OpenDestination(opened->destination, ep, &image.source);
    if (!dst.ok()) return Fail(r, dst.error());
    CopyOptions copy;
    copy.tag = image.tag;
    copy.platforms = image.platforms;
    copy.jobs = options.blob_jobs;
    copy.signatures = image.signatures || image.referrers;
    auto report = Copy(*opened->filtered, **dst, copy);
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
