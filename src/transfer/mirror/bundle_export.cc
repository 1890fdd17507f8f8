#include "transfer/mirror/bundle_export.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>

#include "core/fs.h"
#include "store/oci_layout.h"
#include "transfer/copy.h"
#include "transfer/mirror/attached_filter.h"
#include "transfer/mirror/attached_lookup.h"
#include "transfer/mirror/bundle_destination.h"
#include "transfer/mirror/bundle_split.h"
#include "transfer/mirror/catalog.h"
#include "transfer/mirror/checksums.h"
#include "transfer/mirror/image_state.h"
#include "transfer/mirror/parallel.h"

namespace hoist::transfer::mirror {

namespace {

bool SameManifests(const CatalogImage& old, const CopyPlan& plan) {
  if (old.top.digest != plan.top.digest || old.manifests.size() != plan.manifests.size()) return false;
  for (size_t i = 0; i < plan.manifests.size(); ++i) {
    if (old.manifests[i].descriptor.digest != plan.manifests[i].descriptor.digest) return false;
  }
  return true;
}

Status ExportOne(const MirrorImage& image, ImageSource& source, const Target& target, const Endpoints& ep,
                 const MirrorOptions& options, const std::set<std::string>& known_blobs, CatalogImage& entry,
                 ImageResult& r) {
  Location loc;
  loc.kind = LocationKind::kOciLayout;
  loc.path = target.dir;
  HOIST_TRY_ASSIGN(auto inner, OpenDestination(loc, ep, &image.source));
  BundleDestination dest(std::move(inner), image.repository, known_blobs);
  CopyOptions copy;
  copy.tag = image.tag;
  copy.platforms = image.platforms;
  copy.jobs = options.blob_jobs;
  copy.signatures = image.signatures || image.referrers;
  HOIST_TRY_ASSIGN(CopyReport report, Copy(source, dest, copy));
  entry.name = image.name();
  entry.repository = image.repository;
  entry.tag = image.tag;
  entry.source = image.source.str();
  entry.top = report.image;
  entry.manifests = dest.manifests();
  entry.blobs = dest.blobs();
  r.outcome = Outcome::kCopied;
  r.digest = report.image.digest.str();
  r.blobs_copied = report.copied;
  r.blobs_reused = report.reused;
  r.bytes = report.bytes;
  return Ok();
}

}  // namespace

Result<MirrorSummary> ExportBundle(const ImageList& list, const Target& target, const Endpoints& ep,
                                   const MirrorOptions& options, const BundleOptions& bundle, bool plan_only) {
  const auto start = std::chrono::steady_clock::now();
  const std::string catalog_path = target.dir + "/" + kCatalogFile;
  Catalog previous;  // what this bundle directory already holds
  if (std::filesystem::exists(catalog_path)) {
    HOIST_TRY_ASSIGN(previous, LoadCatalog(catalog_path));
  }
  std::map<std::string, const CatalogImage*> held;
  for (const auto& im : previous.images) held[im.name] = &im;
  Catalog out;
  out.known_images = previous.known_images;
  out.known_blobs = previous.known_blobs;
  if (!bundle.since.empty()) {
    HOIST_TRY_ASSIGN(Catalog since, LoadCatalog(bundle.since));
    out.known_images = since.AllImages();
    out.known_blobs = since.AllBlobs();
  }
  if (!plan_only) {
    HOIST_TRY_ASSIGN(auto layout, store::OciLayout::Open(target.dir, store::OciLayout::OpenMode::kCreate));
    (void)layout;
  }

  MirrorSummary summary;
  summary.images.resize(list.images.size());
  std::vector<std::optional<CatalogImage>> entries(list.images.size());
  std::map<std::string, uint64_t> unique_new;
  std::mutex mu;
  AttachedLookup attached(ep);
  SeedAttachedLookup(list, attached);
  MirrorOptions per_image = options;
  per_image.blob_jobs = BlobJobsPerImage(options, list.images.size());
  ParallelFor(list.images.size(), options.image_jobs, [&](size_t i) {
    const MirrorImage& image = list.images[i];
    ImageResult r = ResultFor(image);
    r.destination = target.str() + " " + image.name();
    auto fail = [&](const Error& e) {
      r.outcome = Outcome::kFailed;
      r.reason = e.message();
    };
    auto src = OpenSource(image.source, ep);
    if (!src.ok()) {
      fail(src.error());
    } else {
      AttachedFilter::Lister lister;
      if (image.source.kind == LocationKind::kRegistry) {
        lister = [&attached, &image](const Descriptor& subject) {
          return attached.Find(*image.source.ref, subject, image.signatures, image.referrers);
        };
      }
      AttachedFilter filtered(**src, image.signatures, image.referrers, std::move(lister));
      auto state = InspectImage(filtered, image, nullptr, false);
      if (!state.ok()) {
        fail(state.error());
      } else {
        r.digest = state->plan.top.digest.str();
        r.manifests = static_cast<int>(state->plan.manifests.size());
        r.blobs = static_cast<int>(state->plan.blobs.size());
        auto known = out.known_images.find(image.name());
        auto it = held.find(image.name());
        if (known != out.known_images.end() && known->second == r.digest) {
          r.outcome = Outcome::kUpToDate;  // the other side has it from an earlier bundle
        } else if (it != held.end() && SameManifests(*it->second, state->plan)) {
          r.outcome = Outcome::kUpToDate;  // already in this bundle
          entries[i] = *it->second;
        } else if (plan_only) {
          r.outcome = Outcome::kPlanned;
          std::lock_guard lock(mu);
          for (const auto& b : state->plan.blobs) {
            const std::string d = b.digest.str();
            if (out.known_blobs.count(d) || std::filesystem::exists(target.dir + "/blobs/sha256/" + b.digest.hex())) continue;
            r.new_blobs.push_back(d);
            r.bytes += static_cast<uint64_t>(b.size);
            unique_new[d] = static_cast<uint64_t>(b.size);
          }
        } else {
          CatalogImage entry;
          Status st = ExportOne(image, filtered, target, ep, per_image, out.known_blobs, entry, r);
          if (!st.ok()) fail(st.error());
          else entries[i] = std::move(entry);
        }
      }
    }
    std::lock_guard lock(mu);
    if (options.on_image) options.on_image(r);
    summary.images[i] = std::move(r);
  });
  AddListingFailures(list, summary);
  summary.unique_new_blobs = unique_new.size();
  for (const auto& [d, size] : unique_new) summary.unique_new_bytes += size;
  if (!plan_only) {
    for (auto& e : entries) {
      if (e) out.images.push_back(std::move(*e));
    }
    HOIST_TRY(AtomicWriteFile(catalog_path, CatalogToJson(out)));
    HOIST_TRY(WriteChecksums(target.dir));
    if (bundle.split_size > 0) {
      HOIST_TRY_ASSIGN(auto volumes, WriteVolumes(target.dir, bundle.split_size));
      (void)volumes;
    }
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace hoist::transfer::mirror
