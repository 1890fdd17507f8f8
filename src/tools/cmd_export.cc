// `hoist export NAME [-o FILE]`: a working container's root filesystem, or the flattened root
// filesystem of an image, as one tar.

#include <unistd.h>

#include "container/containers.h"
#include "core/image_config.h"
#include "core/tar_writer.h"
#include "core/manifest.h"
#include "core/platform.h"
#include "store/flatten.h"
#include "store/oci_archive_output.h"
#include "store/oci_layout.h"
#include "tools/command.h"
#include "tools/store_flags.h"

namespace hoist::tools {

namespace {

void AddExportOptions(cxxopts::Options& o) {
  o.add_options()("o,output",
                  "Write the tar to FILE instead of standard output (a regular file is replaced "
                  "atomically, a symlink's target likewise; a device or FIFO is written into)",
                  cxxopts::value<std::string>(), "FILE")
      ("platform", "For a multi-platform image, the platform to export (default: this machine's)",
       cxxopts::value<std::string>(), "OS/ARCH[/VARIANT]");
}

Result<Manifest> ImageManifest(const store::OciLayout& s, const Reference& ref, const Platform& platform) {
  HOIST_TRY_ASSIGN(Descriptor root, s.Resolve(ref));
  HOIST_TRY_ASSIGN(std::string raw, s.ReadBlob(root.digest, kMaxManifestSize));
  HOIST_TRY_ASSIGN(AnyManifest any, ParseAnyManifest(raw, root.media_type));
  if (auto* index = std::get_if<Index>(&any)) {
    const Descriptor* child = index->FindManifest(platform);
    if (!child) return NotFound(ref.str() + " has no manifest for platform " + platform.str() + " (use --platform)");
    HOIST_TRY_ASSIGN(raw, s.ReadBlob(child->digest, kMaxManifestSize));
    return Manifest::Parse(raw, child->media_type);
  }
  return std::get<Manifest>(std::move(any));
}

// The container's rootfs as it is now: what `docker export` gives.
Result<int> ExportContainer(const store::OciLayout& s, const container::ContainerRecord& c, const std::string& output) {
  if (!c.problem.empty()) return ParseError("container " + c.id + " is broken (" + c.problem + "): remove it with hoist rm");
  HOIST_TRY_ASSIGN(auto out, store::ArchiveFileOutput::Open(output, s.paths().TempDir()));
  TarWriter tar(out->writer());
  auto st = WriteDirectoryTree(container::ContainerStore(s.paths()).Rootfs(c.id), tar);
  if (st.ok()) st = tar.Close();
  if (!st.ok()) return std::move(st).error().WithContext("export container " + c.name);
  HOIST_TRY(out->Commit());
  return kExitOk;
}

Result<int> RunExport(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("export needs exactly one container or image");
  std::string output = ctx.args.count("output") ? ctx.args["output"].as<std::string>() : "-";
  if (output == "-" && ::isatty(STDOUT_FILENO)) {
    return UsageError("refusing to write a tar to a terminal: use -o FILE or redirect standard output");
  }
  // A container first, as docker export; then an image (`hoist container export` wants a container).
  if (StoreExists(ctx)) {
    HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
    auto c = container::ContainerStore(layout.paths()).Find(ctx.positional[0]);
    if (c.ok()) {
      if (ctx.args.count("platform")) return UsageError("--platform applies to images; " + c->name + " is a container");
      return ExportContainer(layout, *c, output);
    }
    if (c.error().code() != ErrorCode::kNotFound || ctx.object_type == "container") return std::move(c).error();
  } else if (ctx.object_type == "container") {
    return NotFound("no container named " + ctx.positional[0] + " (see hoist ps -a)");
  }
  auto ref = Reference::Parse(ctx.positional[0]);
  if (!ref.ok()) return UsageError(ref.error().message());
  Platform platform = Platform::Host();
  if (ctx.args.count("platform")) {
    auto p = Platform::Parse(ctx.args["platform"].as<std::string>());
    if (!p.ok()) return UsageError(p.error().message());
    platform = *p;
  }
  HOIST_TRY_ASSIGN(auto s, store::OciLayout::Open(store::DefaultStorePath(ctx.global.store),
                                                  store::OciLayout::OpenMode::kExisting));
  HOIST_TRY_ASSIGN(Manifest m, ImageManifest(s, *ref, platform));
  HOIST_TRY_ASSIGN(std::string raw_config, s.ReadBlob(m.config().digest, kMaxConfigSize));
  auto config = ImageConfig::Parse(std::move(raw_config));
  if (!config.ok()) return std::move(config).error().WithContext("export " + ref->Familiar() + ": the image config");
  const auto& layers = m.layers();
  const auto& diff_ids = config->diff_ids();
  if (diff_ids.size() != layers.size()) {
    return ParseError("export " + ref->Familiar() + ": the config lists " + std::to_string(diff_ids.size()) +
                      " diff_ids for " + std::to_string(layers.size()) + " layers");
  }
  HOIST_TRY_ASSIGN(auto out, store::ArchiveFileOutput::Open(output, s.paths().TempDir()));
  // Each layer is checked against its digest and diff_id as it is read; a mismatch fails the export
  // with exit 5 before the output file appears.
  auto st = store::FlattenLayers(
      layers.size(), [&](size_t i) { return store::OpenLayerTar(s, layers[i], diff_ids[i]); }, out->writer());
  if (!st.ok()) return std::move(st).error().WithContext("export " + ref->Familiar());
  HOIST_TRY(out->Commit());
  return kExitOk;
}

}  // namespace

const CommandSpec& ExportCommand() {
  static const CommandSpec spec{
      "export", {}, "Write a container's or an image's root filesystem as a tar", "CONTAINER | REF",
      "A working container (name, id or id prefix) is written as its root filesystem is now, changes\n"
      "made by its commands included, as `docker export` does, running or not. `hoist container\n"
      "export` accepts only a container.\n"
      "\n"
      "For an image (when no container has that name), applies the image's layers bottom to top, whiteouts included (a .wh.NAME entry deletes NAME from\n"
      "the layers below, .wh..wh..opq empties its directory of what lower layers put there), and writes\n"
      "the resulting root filesystem as one tar, as `docker export` gives for a container made from the\n"
      "image. Whiteout entries themselves are not written. Every layer's digest is verified as it is read.",
      "  hoist export -o rootfs.tar alpine:3.19\n"
      "  hoist container export -o work.tar work\n"
      "  hoist export app:1 | tar -t | head\n"
      "  hoist export --platform linux/arm64 -o arm.tar multi:latest",
      AddExportOptions, RunExport};
  return spec;
}

}  // namespace hoist::tools
