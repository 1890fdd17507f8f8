// `hoist commit`: a working container's changes (or a directory's) as a new image.

#include <iostream>
#include <nlohmann/json.hpp>

#include "container/commit.h"
#include "container/container_pause.h"
#include "container/containers.h"
#include "core/json_parse.h"
#include "store/import.h"
#include "tools/build_flags.h"
#include "tools/command.h"
#include "tools/store_flags.h"

namespace hoist::tools {

namespace {

void AddCommitOptions(cxxopts::Options& o) {
  o.add_options()
      ("c,change", "Apply a Dockerfile instruction to the config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, "
                   "WORKDIR, VOLUME, STOPSIGNAL); repeatable",
       cxxopts::value<std::string>(), "INSTRUCTION")
      ("m,message", "Comment of the new history entry", cxxopts::value<std::string>(), "TEXT")
      ("a,author", "Author of the new image", cxxopts::value<std::string>(), "NAME")
      ("from", "Commit directory DIR as changes to BASE_IMAGE instead of a container",
       cxxopts::value<std::string>(), "BASE_IMAGE")
      ("pause", "Pause a running container while its files are read (--pause=false: read them as they change)",
       cxxopts::value<bool>()->default_value("true")->implicit_value("true"))
      ("timestamp", "Creation time and latest file time, in seconds since the epoch (default: "
                    "SOURCE_DATE_EPOCH when set, else now and file times as they are)",
       cxxopts::value<std::string>(), "SECONDS");
}

std::string Joined(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s;
}

Result<int> RunCommit(CommandContext& ctx) {
  const bool from_dir = ctx.args.count("from") > 0;
  if (ctx.positional.size() != 2) {
    return UsageError(from_dir ? "commit --from BASE_IMAGE needs DIR and NEW_IMAGE"
                               : "commit needs CONTAINER and NEW_IMAGE");
  }
  HOIST_TRY_ASSIGN(Reference name, ParseStoreReference(ctx.positional[1]));
  if (name.digest()) return UsageError("commit names its image with a tag, not a digest");
  container::CommitOptions options;
  options.changes = RepeatedFlag(ctx.args, "change");
  if (ctx.args.count("message")) options.message = ctx.args["message"].as<std::string>();
  if (ctx.args.count("author")) options.author = ctx.args["author"].as<std::string>();
  HOIST_TRY_ASSIGN(options.timestamp, TimestampFlag(ctx));

  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  std::string changed_dir;
  std::optional<container::StoredImage> base;
  std::optional<container::PausedContainer> paused;
  const std::string& source = ctx.positional[0];
  if (from_dir) {
    const std::string base_arg = ctx.args["from"].as<std::string>();
    HOIST_TRY(RefuseTransport(base_arg));
    HOIST_TRY_ASSIGN(base, container::LoadStoredImage(layout, base_arg));
    changed_dir = source;
    options.created_by = "hoist commit --from " + base_arg + " " + source;
  } else {
    container::ContainerStore containers(layout.paths());
    HOIST_TRY_ASSIGN(container::ContainerRecord c, containers.Find(source));
    if (c.running()) {
      // docker pauses a running container while it commits; its run's mount points are no change.
      options.exclude = container::RunMountPointPaths();
      if (ctx.args["pause"].as<bool>() && c.container_pid > 0) {
        auto p = container::PausedContainer::Pause(c.container_pid, c.cgroup);
        if (!p.ok()) return std::move(p).error().WithContext("commit " + source);
        paused.emplace(std::move(*p));
      }
    }
    HOIST_TRY_ASSIGN(base, container::LoadStoredManifest(layout, c.image_manifest, c.image));
    changed_dir = containers.Rootfs(c.id);
    options.created_by = Joined(c.command);
  }
  auto result = container::CommitDirectory(layout, *base, changed_dir, name, options);
  paused.reset();  // the container runs on as soon as its files are read
  if (!result.ok()) return std::move(result).error().WithContext("commit " + source);
  if (ctx.global.format == OutputFormat::kJson) {
    std::cout << DumpJson(nlohmann::json{{"Name", name.str()},
                                         {"Digest", result->manifest.digest.str()},
                                         {"Id", result->config.str()},
                                         {"Layer", result->layer.digest.str()},
                                         {"DiffId", result->diff_id.str()},
                                         {"Added", result->stats.added},
                                         {"Modified", result->stats.modified},
                                         {"Deleted", result->stats.deleted}},
                          2)
              << "\n";
  } else {
    std::cout << result->config.str() << "\n";
  }
  return kExitOk;
}

}  // namespace

const CommandSpec& CommitCommand() {
  static const CommandSpec spec{
      "commit", {}, "Save a container's changes as a new image", "CONTAINER NEW_IMAGE | --from BASE DIR NEW_IMAGE",
      "Compares the working container's files with the image it was started from and stores the\n"
      "difference as one new gzip layer on top of that image, named NEW_IMAGE, with a history entry\n"
      "(its command, --message, --author), like `docker commit`; prints the new image ID. Added and\n"
      "changed files go into the layer, deleted ones become whiteouts, a directory emptied and refilled\n"
      "an opaque directory. A running container is paused meanwhile, as docker pauses it: frozen in\n"
      "its freezer cgroup, or (without one: no root, no freezer) its processes stopped with SIGSTOP and\n"
      "continued after; --pause=false reads its files as they change.\n"
      "With --from, DIR (say from `hoist unpack`) is compared with BASE instead.\n"
      "--change edits the config as for `hoist import`. With SOURCE_DATE_EPOCH (or --timestamp) set,\n"
      "the creation time is fixed and later file times are clamped to it, so the same change gives the\n"
      "same layer and image digests.",
      "  hoist commit work example.com/app:2\n"
      "  hoist commit -m 'add greeting' -a 'Ann <ann@example.com>' -c 'CMD [\"cat\",\"/greeting\"]' work app:2\n"
      "  SOURCE_DATE_EPOCH=1700000000 hoist commit work app:reproducible\n"
      "  hoist commit --from example.com/base:1 ./tree example.com/base:2",
      AddCommitOptions, RunCommit};
  return spec;
}

}  // namespace hoist::tools
