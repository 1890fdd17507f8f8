#include "transfer/mirror/bundle_import.h"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>

#include "core/manifest.h"
#include "core/media_types.h"
#include "store/oci_layout.h"
#include "transfer/blob_copier.h"
#include "transfer/layout_source.h"
#include "transfer/mirror/bundle_split.h"
#include "transfer/mirror/catalog.h"
#include "transfer/mirror/checksums.h"
#include "transfer/mirror/parallel.h"

namespace hoist::transfer::mirror {

namespace {

struct TempTree {
  std::string path;
  ~TempTree() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

Result<Location> DestinationOf(const Target& target, const CatalogImage& im) {
  MirrorImage m;
  m.repository = im.repository;
  m.tag = im.tag;
  m.digest = im.top.digest.str();
  return RegistryDestination(target, m);
}

// The catalog must agree with the manifests it lists: each names only blobs and manifests the
// entry lists, and the entry's top is among them.
Status CheckEntry(const store::OciLayout& layout, const CatalogImage& im) {
  std::set<Digest> blobs, manifests;
  for (const auto& b : im.blobs) blobs.insert(b.digest);
  for (const auto& m : im.manifests) manifests.insert(m.descriptor.digest);
  if (!manifests.count(im.top.digest)) return DigestMismatch("catalog: " + im.name + ": its digest is not among its manifests");
  for (const auto& m : im.manifests) {
    HOIST_TRY_ASSIGN(std::string bytes, layout.ReadBlob(m.descriptor.digest, kMaxManifestSize));
    HOIST_TRY_ASSIGN(AnyManifest any, ParseAnyManifest(bytes, m.descriptor.media_type));
    if (auto* man = std::get_if<Manifest>(&any)) {
      std::vector<Descriptor> needed = man->layers();
      needed.push_back(man->config());
      for (const auto& d : needed) {
        if (IsForeignLayer(d.media_type) && !d.urls.empty()) continue;
        if (!blobs.count(d.digest)) return DigestMismatch("catalog: " + im.name + ": blob " + d.digest.str() + " is not listed");
      }
    } else {
      for (const auto& child : std::get<Index>(any).manifests()) {
        if (!manifests.count(child.digest)) {
          return DigestMismatch("catalog: " + im.name + ": manifest " + child.digest.str() + " is not listed");
        }
      }
    }
  }
  return Ok();
}

// Whether a blob left out of an incremental bundle is at the destination: in the image's own
// repository, or in another repository the bundles filled (recorded so the push mounts it).
Result<bool> FindAtDestination(const Catalog& catalog, const Target& target, const Endpoints& ep,
                               const registry::Repository& own, const Reference& own_ref, const Digest& blob) {
  HOIST_TRY_ASSIGN(auto info, own.HeadBlob(blob));
  if (info) return true;
  std::set<std::string> repositories;
  auto add = [&](const std::string& name) { repositories.insert(name.substr(0, name.find_first_of(":@"))); };
  for (const auto& [name, digest] : catalog.known_images) add(name);
  for (const auto& im : catalog.images) add(im.name);
  for (const auto& repo : repositories) {
    MirrorImage m;
    m.repository = repo;
    m.tag = "latest";
    auto loc = RegistryDestination(target, m);
    if (!loc.ok() || loc->ref->repository() == own_ref.repository()) continue;
    HOIST_TRY_ASSIGN(auto other, ep.client->OpenRepository(*loc->ref, registry::Access::kPull));
    HOIST_TRY_ASSIGN(auto found, other.HeadBlob(blob));
    if (!found) continue;
    if (ep.cache) ep.cache->Record(blob, own_ref.domain(), loc->ref->repository());
    return true;
  }
  return false;
}

Result<bool> UpToDate(const registry::Repository& repo, const CatalogImage& im) {
  for (const auto& m : im.manifests) {
    const bool named = !m.tag.empty();
    if (!named && m.descriptor.digest != im.top.digest) continue;
    HOIST_TRY_ASSIGN(auto head, repo.HeadManifest(named ? m.tag : m.descriptor.digest.str()));
    if (!head || head->digest != m.descriptor.digest) return false;
  }
  return true;
}

Status PushOne(std::shared_ptr<store::OciLayout> layout, const CatalogImage& im, const Location& dest,
               const Endpoints& ep, const MirrorOptions& options, ImageResult& r) {
  LayoutSource source(layout, im.top, LayoutNames{}, "bundle " + im.name);
  HOIST_TRY_ASSIGN(auto destination, OpenDestination(dest, ep));
  BlobCopier blobs(source, *destination, options.blob_jobs, nullptr);
  HOIST_TRY_ASSIGN(BlobCounts counts, blobs.Run(im.blobs));
  for (const auto& m : im.manifests) {
    HOIST_TRY_ASSIGN(std::string bytes, layout->ReadBlob(m.descriptor.digest, kMaxManifestSize));
    HOIST_TRY(destination->PutManifest(ManifestBytes{std::move(bytes), m.descriptor.media_type}, m.tag));
  }
  HOIST_TRY(destination->Commit());
  r.outcome = Outcome::kCopied;
  r.blobs_copied = counts.copied;
  r.blobs_reused = counts.reused;
  r.blobs_mounted = counts.mounted;
  r.bytes = counts.bytes;
  return Ok();
}

}  // namespace

Result<MirrorSummary> ImportBundle(const std::string& bundle, const Target& target, const Endpoints& ep,
                                   const MirrorOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  TempTree unpacked;
  std::string dir = bundle;
  if (IsFirstVolume(bundle)) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hoist-bundle-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) return ErrnoError("temp dir to unpack " + bundle, errno);
    unpacked.path = dir = tmpl;
    HOIST_TRY(ExtractVolumes(bundle, dir));
  } else if (!std::filesystem::is_directory(bundle)) {
    return NotFound(bundle + " is neither a bundle directory nor a first volume (….tar.001)");
  }
  // 1. The whole bundle is checked before anything is pushed.
  HOIST_TRY(VerifyChecksums(dir));
  HOIST_TRY_ASSIGN(Catalog catalog, LoadCatalog(dir + "/" + kCatalogFile));
  HOIST_TRY_ASSIGN(store::OciLayout opened, store::OciLayout::Open(dir, store::OciLayout::OpenMode::kExisting));
  auto layout = std::make_shared<store::OciLayout>(std::move(opened));
  std::vector<Location> dests;
  std::vector<registry::Repository> repos;
  for (const auto& im : catalog.images) {
    Status st = CheckEntry(*layout, im);
    if (!st.ok()) return std::move(st).error().WithContext("bundle " + bundle);
    HOIST_TRY_ASSIGN(Location d, DestinationOf(target, im));
    HOIST_TRY_ASSIGN(auto repo, ep.client->OpenRepository(*d.ref, registry::Access::kPull));
    for (const auto& b : im.blobs) {
      if (layout->HasBlob(b.digest)) continue;
      HOIST_TRY_ASSIGN(bool there, FindAtDestination(catalog, target, ep, repo, *d.ref, b.digest));
      if (!there) {
        return NotFound("bundle " + bundle + ": blob " + b.digest.str() + " of " + im.name +
                        " is neither in the bundle nor at " + d.str() + " (import the earlier bundle first)");
      }
    }
    dests.push_back(std::move(d));
    repos.push_back(std::move(repo));
  }
  // 2. Push.
  MirrorSummary summary;
  summary.images.resize(catalog.images.size());
  std::mutex mu;
  ParallelFor(catalog.images.size(), options.image_jobs, [&](size_t i) {
    const CatalogImage& im = catalog.images[i];
    ImageResult r;
    r.name = im.name;
    r.source = im.source;
    r.destination = dests[i].str();
    r.digest = im.top.digest.str();
    r.manifests = static_cast<int>(im.manifests.size());
    r.blobs = static_cast<int>(im.blobs.size());
    auto fresh = UpToDate(repos[i], im);
    Status st = Ok();
    if (!fresh.ok()) st = std::move(fresh).error();
    else if (*fresh) r.outcome = Outcome::kUpToDate;
    else st = PushOne(layout, im, dests[i], ep, options, r);
    if (!st.ok()) {
      r.outcome = Outcome::kFailed;
      r.reason = st.error().message();
    }
    std::lock_guard lock(mu);
    if (options.on_image) options.on_image(r);
    summary.images[i] = std::move(r);
  });
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace hoist::transfer::mirror
