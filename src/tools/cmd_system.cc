// `hoist system df|prune|info`: disk usage, cleanup and facts about the local store.

#include <ctime>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "container/containers.h"
#include "core/json_parse.h"
#include "core/manifest.h"
#include "core/platform.h"
#include "core/terminal_text.h"
#include "core/version.h"
#include "store/image_summary.h"
#include "store/prune.h"
#include "tools/command.h"
#include "tools/human_units.h"
#include "tools/prune_output.h"
#include "tools/store_flags.h"
#include "tools/template_output.h"
#include "tools/text_table.h"

namespace hoist::tools {

namespace {

namespace fs = std::filesystem;

// Bytes of the regular files under `dir` (symlinks not followed; unreadable parts skipped: a
// container's rootfs may hold directories its owner cannot read).
int64_t DiskUsage(const std::string& dir) {
  std::error_code ec;
  int64_t total = 0;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code fe;
    if (it->is_regular_file(fe) && !it->is_symlink(fe)) {
      auto n = it->file_size(fe);
      if (!fe) total += static_cast<int64_t>(n);
    }
  }
  return total;
}

size_t CountFiles(const std::string& dir) {
  std::error_code ec;
  size_t n = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n;
}

struct StoreFacts {
  std::vector<store::ImageSummary> images;
  std::vector<container::ContainerRecord> containers;
  std::set<std::string> active_images;  // index.json entry digests a container was made from
  int64_t blob_bytes = 0;
  int64_t active_image_bytes = 0;
  int64_t container_bytes = 0, stopped_container_bytes = 0;
  size_t running = 0;
  size_t cache_entries = 0;
  int64_t cache_bytes = 0;
};

// The manifests an entry stands for: itself, and an index's children.
std::vector<std::string> EntryManifests(const store::OciLayout& layout, const Descriptor& entry) {
  std::vector<std::string> out = {entry.digest.str()};
  auto raw = layout.ReadBlob(entry.digest, kMaxManifestSize);
  if (!raw.ok()) return out;
  auto any = ParseAnyManifest(*raw, entry.media_type);
  if (!any.ok()) return out;
  if (auto* index = std::get_if<Index>(&*any)) {
    for (const auto& m : index->manifests()) out.push_back(m.digest.str());
  }
  return out;
}

Result<StoreFacts> GatherFacts(const CommandContext& ctx) {
  StoreFacts f;
  if (!StoreExists(ctx)) return f;
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  HOIST_TRY_ASSIGN(f.images, store::SummarizeImages(layout));
  container::ContainerStore containers(layout.paths());
  HOIST_TRY_ASSIGN(f.containers, containers.List());
  std::set<std::string> used;  // manifest digests of the containers' images
  for (const auto& c : f.containers) {
    used.insert(c.image_manifest.str());
    int64_t bytes = DiskUsage(layout.paths().Container(c.id));
    f.container_bytes += bytes;
    if (c.running()) ++f.running;
    else f.stopped_container_bytes += bytes;
  }
  std::set<std::string> seen;  // several names of one image count once
  for (const auto& s : f.images) {
    if (!seen.insert(s.descriptor.digest.str()).second) continue;
    for (const auto& m : EntryManifests(layout, s.descriptor)) {
      if (used.count(m)) {
        f.active_images.insert(s.descriptor.digest.str());
        f.active_image_bytes += s.size;
        break;
      }
    }
  }
  f.blob_bytes = DiskUsage(layout.paths().BlobsDir());
  f.cache_entries = CountFiles(layout.paths().BuildCacheDir());
  f.cache_bytes = DiskUsage(layout.paths().BuildCacheDir());
  return f;
}

size_t DistinctImages(const StoreFacts& f) {
  std::set<std::string> ids;
  for (const auto& s : f.images) ids.insert(s.descriptor.digest.str());
  return ids.size();
}

std::string Reclaimable(int64_t bytes, int64_t of) {
  std::string s = HumanSize(bytes);
  if (of > 0) s += " (" + std::to_string(bytes * 100 / of) + "%)";
  return s;
}

Result<int> RunDf(CommandContext& ctx) {
  if (!ctx.positional.empty()) return UsageError("system df takes no arguments");
  std::optional<TemplatePrinter> printer;
  if (ctx.global.format == OutputFormat::kTemplate) {
    HOIST_TRY_ASSIGN(printer, TemplatePrinter::Parse(ctx.global.format_name));
  }
  HOIST_TRY_ASSIGN(StoreFacts f, GatherFacts(ctx));
  struct Row {
    const char* type;
    size_t total, active;
    int64_t size, reclaimable;
  };
  const int64_t image_reclaimable = std::max<int64_t>(0, f.blob_bytes - f.active_image_bytes);
  const Row rows[] = {
      {"Images", DistinctImages(f), f.active_images.size(), f.blob_bytes, image_reclaimable},
      {"Containers", f.containers.size(), f.running, f.container_bytes, f.stopped_container_bytes},
      {"Build Cache", f.cache_entries, 0, f.cache_bytes, f.cache_bytes},
  };
  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) {
      out.push_back({{"Type", r.type}, {"TotalCount", r.total}, {"Active", r.active}, {"Size", r.size},
                     {"Reclaimable", r.reclaimable}});
    }
    std::cout << DumpJson(out, 2) << "\n";
    return kExitOk;
  }
  if (printer) {
    std::vector<nlohmann::json> out;
    for (const auto& r : rows) {
      out.push_back({{"Type", r.type}, {"TotalCount", std::to_string(r.total)}, {"Active", std::to_string(r.active)},
                     {"Size", HumanSize(r.size)}, {"Reclaimable", Reclaimable(r.reclaimable, r.size)}});
    }
    static const nlohmann::json headers = {{"Type", "TYPE"}, {"TotalCount", "TOTAL"}, {"Active", "ACTIVE"},
                                           {"Size", "SIZE"}, {"Reclaimable", "RECLAIMABLE"}};
    HOIST_TRY(printer->Print(out, headers, std::cout));
    return kExitOk;
  }
  TextTable table({"TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"});
  for (const auto& r : rows) {
    table.AddRow({r.type, std::to_string(r.total), std::to_string(r.active), HumanSize(r.size),
                  Reclaimable(r.reclaimable, r.size)});
  }
  table.Print(std::cout);
  return kExitOk;
}

Result<int> RunInfo(CommandContext& ctx) {
  if (!ctx.positional.empty()) return UsageError("system info takes no arguments");
  std::optional<TemplatePrinter> printer;
  if (ctx.global.format == OutputFormat::kTemplate) {
    HOIST_TRY_ASSIGN(printer, TemplatePrinter::Parse(ctx.global.format_name));
  }
  HOIST_TRY_ASSIGN(StoreFacts f, GatherFacts(ctx));
  const Platform host = Platform::Host();
  nlohmann::json info = {{"Store", StorePath(ctx)},
                         {"StoreExists", StoreExists(ctx)},
                         {"Images", DistinctImages(f)},
                         {"ImageNames", f.images.size()},
                         {"Containers", f.containers.size()},
                         {"ContainersRunning", f.running},
                         {"ContainersStopped", f.containers.size() - f.running},
                         {"StoreSize", f.blob_bytes + f.container_bytes + f.cache_bytes},
                         {"BuildCacheEntries", f.cache_entries},
                         {"Version", kVersion},
                         {"OSType", host.os},
                         {"Architecture", host.architecture}};
  if (ctx.global.format == OutputFormat::kJson) {
    std::cout << DumpJson(info, 2) << "\n";
    return kExitOk;
  }
  if (printer) {
    HOIST_TRY(printer->Print({info}, nlohmann::json::object(), std::cout, false));
    return kExitOk;
  }
  std::cout << "Store: " << EscapeForTerminal(StorePath(ctx)) << (StoreExists(ctx) ? "" : " (not created yet)") << "\n"
            << " Images: " << DistinctImages(f) << " (" << f.images.size() << " names)\n"
            << " Containers: " << f.containers.size() << "\n"
            << "  Running: " << f.running << "\n"
            << "  Stopped: " << f.containers.size() - f.running << "\n"
            << " Size: " << HumanSize(f.blob_bytes + f.container_bytes + f.cache_bytes) << "\n"
            << " Build cache entries: " << f.cache_entries << "\n"
            << "Version: " << kVersion << "\n"
            << "OS/Arch: " << host.os << "/" << host.architecture << "\n";
  return kExitOk;
}

void AddPruneOptions(cxxopts::Options& o) {
  o.add_options()("a,all", "Also remove images that have no name")(
      "f,force", "Accepted for docker compatibility (hoist does not ask for confirmation)");
}

Result<int> RunSystemPrune(CommandContext& ctx) {
  if (!ctx.positional.empty()) return UsageError("system prune takes no arguments");
  PruneOutcome outcome;
  outcome.containers_pruned = true;
  if (StoreExists(ctx)) {
    HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
    container::ContainerStore containers(layout.paths());
    HOIST_TRY_ASSIGN(auto all, containers.List());
    // Stopped containers first, as docker's: the images they held may then go too. A "created" one
    // may be a `hoist run` still unpacking its rootfs: it stays (hoist rm removes it).
    for (auto& c : all) {
      if (c.status == "running" && !c.running()) c.status = "interrupted";
      if (!c.problem.empty() || (c.status != "exited" && c.status != "interrupted")) continue;
      HOIST_TRY(containers.Remove(c.id));
      outcome.removed_containers.push_back(c.id);
    }
    HOIST_TRY_ASSIGN(outcome.broken, containers.RemoveBroken());
    store::PruneOptions options;
    options.all = ctx.args.count("all") > 0;
    HOIST_TRY_ASSIGN(outcome.report, store::Prune(layout, options));
  }
  PrintPruneOutcome(ctx, outcome);
  return kExitOk;
}

}  // namespace

const CommandSpec& SystemDfCommand() {
  static const CommandSpec spec{
      "system df", {}, "Show the local store's disk usage", "",
      "Like `docker system df`: for images, working containers and the build cache, how many there are\n"
      "(TOTAL), how many are in use (ACTIVE: images a container was made from, running containers),\n"
      "their SIZE on disk and what removing the unused ones would free (RECLAIMABLE). Image SIZE is\n"
      "every blob in the store, shared layers counted once (what `hoist prune` could free is part of\n"
      "it); container SIZE is their root filesystems. --format json prints {Type, TotalCount, Active,\n"
      "Size, Reclaimable} in bytes; a Go template sees docker's fields .Type .TotalCount .Active .Size\n"
      ".Reclaimable.",
      "  hoist system df\n"
      "  hoist system df --format json\n"
      "  hoist system df --format '{{.Type}}: {{.Size}}'",
      nullptr, RunDf};
  return spec;
}

const CommandSpec& SystemInfoCommand() {
  static const CommandSpec spec{
      "system info", {}, "Show the store path, counts, size and version", "",
      "Prints where the local store is, how many images (distinct, and names) and working containers\n"
      "(running, stopped) it holds, its size on disk, the build cache entries, hoist's version and this\n"
      "machine's OS and architecture. --format json prints them as one object (Store, StoreExists,\n"
      "Images, ImageNames, Containers, ContainersRunning, ContainersStopped, StoreSize, BuildCacheEntries,\n"
      "Version, OSType, Architecture), which a Go template can also read ('{{.Store}}').",
      "  hoist system info\n"
      "  hoist system info --format '{{.Store}}'",
      nullptr, RunInfo};
  return spec;
}

const CommandSpec& SystemPruneCommand() {
  static const CommandSpec spec{
      "system prune", {}, "Remove stopped containers, then what no image name reaches", "",
      "Like `docker system prune`: removes the stopped working containers (exited, or interrupted: their\n"
      "hoist process is gone) and broken ones; a \"created\" one may still be unpacking and stays. Then does what `hoist prune` does (blobs no image name\n"
      "reaches, stale temp files; with --all also the images without a name). Running containers and\n"
      "named images stay. --format json adds ContainersDeleted to `hoist prune`'s fields.",
      "  hoist system prune\n"
      "  hoist system prune --all --format json",
      AddPruneOptions, RunSystemPrune};
  return spec;
}

}  // namespace hoist::tools
