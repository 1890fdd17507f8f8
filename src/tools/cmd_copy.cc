#include "tools/command.h"
#include "tools/transfer_flags.h"
#include "transfer/docker_archive_destination.h"

namespace hoist::tools {

namespace {

Result<int> RunCopy(CommandContext& ctx) {
  if (ctx.positional.size() != 2) return UsageError("copy needs a SOURCE and a DESTINATION");
  auto src = transfer::ParseLocation(ctx.positional[0], {.allow_store = true, .default_tag = !ctx.args.count("all-tags")});
  if (!src.ok()) return UsageError(src.error().message());
  auto dst = transfer::ParseLocation(ctx.positional[1], {.allow_store = true, .default_tag = !ctx.args.count("all-tags")});
  if (!dst.ok()) return UsageError(dst.error().message());
  if (ctx.args.count("additional-tag") && dst->kind != transfer::LocationKind::kDockerArchive) {
    return UsageError("--additional-tag names more images in a docker-archive: destination only");
  }
  if (ctx.args.count("additional-tag")) {
    for (const auto& text : ctx.args["additional-tag"].as<std::vector<std::string>>()) {
      auto name = transfer::ArchivedImageName(text);
      if (!name.ok()) return UsageError("--additional-tag: " + name.error().message());
    }
  }
  return RunTransfer(ctx, *src, *dst, PlatformDefault::kAll, TrustRole::kCopy);
}

}  // namespace

const CommandSpec& CopyCommand() {
  static const std::string description = std::string(
      "Copies an image between any two locations:\n"
      "  docker://HOST/REPO[:TAG][@DIGEST]   a registry\n"
      "  oci:DIR[:REF]                       an OCI image layout directory\n"
      "  oci-archive:FILE[:REF]              an OCI layout in a tar file\n"
      "  docker-archive:FILE[:REF|:@N]       `docker save` format (@N: the Nth image, 0-based, to read)\n"
      "  REF                                 the local store\n"
      "The REF of oci: and oci-archive: is the org.opencontainers.image.ref.name, written and looked up\n"
      "as given (as skopeo); without REF, oci-archive: writes an unnamed entry and oci: the source's tag\n"
      "(none when copied by digest). Into docker-archive: layers are decompressed as `hoist save` does,\n"
      "one platform (this machine's, or --platform), no signatures; named by REF, else the source's name,\n"
      "and by every --additional-tag NAME (as skopeo: more RepoTags for the same image).\n"
      "A multi-platform image is copied whole (every platform, the index byte for byte, like\n"
      "`crane copy` and `skopeo copy --all`); --platform copies only the named platforms (one: that\n"
      "image alone; several: a new index listing them, with a new digest).\n") + kTransferHelp;
  static const CommandSpec spec{
      "copy", {"cp"}, "Copy an image (or a whole repository) between registries, layouts and the store",
      "SOURCE DESTINATION", description.c_str(),
      "  hoist copy docker://localhost:5000/app:1 docker://localhost:5000/mirror/app:1\n"
      "  hoist copy docker://localhost:5000/app:1 oci:/tmp/app-layout:1\n"
      "  hoist copy --additional-tag app:latest docker://localhost:5000/app:1 docker-archive:app.tar:app:1\n"
      "  hoist copy --platform linux/arm64 docker://localhost:5000/app:1 docker://other:5000/app:1-arm64\n"
      "  hoist copy --all-tags docker://localhost:5000/app docker://backup:5000/app\n"
      "  hoist --format json copy oci:/tmp/app-layout:1 docker://localhost:5000/app:1",
      [](cxxopts::Options& o) {
        AddTransferOptions(o);
        o.add_options("Transfer")("additional-tag", "Another name for the image in a docker-archive: (repeatable)",
                                  cxxopts::value<std::vector<std::string>>(), "NAME");
      },
      RunCopy};
  return spec;
}

}  // namespace hoist::tools
