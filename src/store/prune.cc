#include "store/prune.h"

#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/manifest.h"
#include "core/temp_owner.h"

#include "core/json_parse.h"
#include "store/blob_scan.h"
#include "store/image_walk.h"

namespace hoist::store {

namespace {

bool Named(const Descriptor& d) { return d.annotations.count(kRefNameAnnotation) > 0; }

// Working containers (`hoist run`, records in .hoist/containers/<id>/container.json) keep their
// image's blobs alive: `hoist commit` builds on them even after the image lost its name.
std::vector<Descriptor> ContainerImages(const OciLayout& layout) {
  std::vector<Descriptor> out;
  std::error_code ec;
  for (const auto& dir : std::filesystem::directory_iterator(layout.paths().ContainersDir(), ec)) {
    auto text = ReadFileToString(dir.path().string() + "/container.json", 1 << 20);
    if (!text.ok()) continue;
    auto parsed = ParseJson(*text);
    if (!parsed.ok()) continue;
    nlohmann::json& j = *parsed;
    if (!j.is_object() || !j.contains("ImageManifest") || !j["ImageManifest"].is_string()) continue;
    auto digest = Digest::Parse(j["ImageManifest"].get<std::string>());
    if (!digest.ok()) continue;
    auto raw = layout.ReadBlob(*digest, kMaxManifestSize);
    if (!raw.ok()) continue;
    auto any = ParseAnyManifest(std::move(raw).value());
    if (!any.ok()) continue;
    Descriptor d;
    d.media_type = MediaTypeOf(*any);
    d.digest = *digest;
    d.size = static_cast<int64_t>(RawOf(*any).size());
    out.push_back(std::move(d));
  }
  return out;
}

// The digests every index.json entry reaches. A manifest that cannot be read stops the prune: its
// config and layers are unknown, and removing them would turn a repairable store into a broken one.
Result<std::unordered_set<Digest>> Mark(const OciLayout& layout) {
  HOIST_TRY_ASSIGN(Index index, layout.ReadIndex());
  std::unordered_set<Digest> seen;
  std::vector<Descriptor> roots = index.manifests();
  for (auto& d : ContainerImages(layout)) roots.push_back(std::move(d));
  for (const auto& entry : roots) {
    ImageWalk walk = WalkImage(layout, entry, seen);
    if (!walk.unreadable.empty()) {
      const auto& u = walk.unreadable.front();
      return Error(u.error).WithContext("prune stopped: manifest " + u.descriptor.digest.str() +
                                        " cannot be read, so what it needs is unknown; run `hoist fsck --repair` first");
    }
  }
  return seen;
}

}  // namespace

Result<PruneReport> Prune(OciLayout& layout, const PruneOptions& options) {
  HOIST_TRY(MakeDirs(layout.paths().PrivateDir()));
  HOIST_TRY_ASSIGN(FileLock gc, FileLock::Acquire(layout.paths().GcLock(), FileLock::Mode::kExclusive));
  PruneReport report;
  if (options.all) {
    HOIST_TRY(layout.UpdateIndex([&](std::vector<Descriptor>& list) -> Status {
      std::vector<Descriptor> kept;
      for (auto& d : list) {
        if (Named(d)) {
          kept.push_back(std::move(d));
        } else {
          report.removed_entries.push_back(std::move(d));
        }
      }
      list = std::move(kept);
      return Ok();
    }));
  }
  HOIST_TRY_ASSIGN(auto reachable, Mark(layout));
  HOIST_TRY_ASSIGN(auto files, ListBlobFiles(layout.paths()));
  for (const auto& f : files) {
    if (!f.digest || reachable.count(*f.digest)) continue;  // a stray name is fsck's to report
    if (::unlink(f.path.c_str()) != 0) {
      if (errno == ENOENT) continue;
      return ErrnoError("remove " + f.path, errno);
    }
    Descriptor d;
    d.digest = *f.digest;
    d.size = f.size;
    report.removed_blobs.push_back(std::move(d));
    report.freed_bytes += static_cast<uint64_t>(f.size);
  }
  HOIST_TRY_ASSIGN(auto ownerless, FindOwnerlessTemps(layout.paths().TempDir(), /*remove=*/true));
  for (const auto& t : ownerless) {
    if (!t.removed) continue;
    ++report.removed_stale_files;
    report.freed_bytes += t.bytes;
  }
  StaleFiles stale = RemoveStaleFiles(layout.paths(), options.stale_after);
  report.removed_stale_files += stale.removed;
  report.freed_bytes += stale.bytes;
  return report;
}

}  // namespace hoist::store
