// `hoist diff`: a container's changes against its image, as `docker diff` lists them.

#include <sys/stat.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "store/rootfs_diff.h"
#include "container/scratch_dir.h"
#include "container/stored_image.h"
#include "core/json_parse.h"
#include "core/terminal_text.h"
#include "tools/command.h"
#include "tools/container_args.h"

namespace hoist::tools {

namespace {

Result<int> RunDiff(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("diff needs exactly one CONTAINER");
  HOIST_TRY_ASSIGN(FoundContainer found, FindContainerArg(ctx, ctx.positional[0]));
  const container::ContainerRecord& c = found.record;
  HOIST_TRY_ASSIGN(auto base, container::LoadStoredManifest(found.layout, c.image_manifest, c.image));
  HOIST_TRY_ASSIGN(auto lease, found.layout.BeginWrite());
  HOIST_TRY_ASSIGN(container::ScratchDir scratch,
                   container::ScratchDir::Create(found.layout.paths().TempDir(), "diff-"));
  const std::string base_dir = scratch.path() + "/base";
  if (::mkdir(base_dir.c_str(), 0755) != 0) return ErrnoError("create " + base_dir, errno);
  HOIST_TRY(container::UnpackStoredImage(found.layout, base, base_dir));
  store::DiffOptions options;
  if (c.running()) options.exclude = container::RunMountPointPaths();
  HOIST_TRY_ASSIGN(auto changes, store::ListRootfsChanges(
                                     base_dir, container::ContainerStore(found.layout.paths()).Rootfs(c.id), options));
  if (ctx.global.format == OutputFormat::kJson) {
    // docker's API: Kind 0 changed, 1 added, 2 deleted.
    nlohmann::json out = nlohmann::json::array();
    for (const auto& ch : changes) {
      out.push_back({{"Path", ch.path}, {"Kind", ch.kind == 'C' ? 0 : ch.kind == 'A' ? 1 : 2}});
    }
    std::cout << DumpJson(out, 2) << "\n";
    return kExitOk;
  }
  // A path is the container's to choose: terminal controls in it are escaped.
  for (const auto& ch : changes) std::cout << ch.kind << " " << EscapeForTerminal(ch.path) << "\n";
  return kExitOk;
}

}  // namespace

const CommandSpec& DiffCommand() {
  static const CommandSpec spec{
      "diff", {}, "List the files a container changed", "CONTAINER",
      "Compares the container's files with the image it was made from and prints one line per change,\n"
      "as `docker diff`: A added, C changed (a directory whose entries changed is changed too), D\n"
      "deleted, sorted by path. These are the changes `hoist commit` would store. The mount points a\n"
      "running container gets (/proc, /sys, /dev, /etc/hosts, /etc/resolv.conf) and the contents of\n"
      "its mounts are not part of it. --format json prints docker's [{\"Path\", \"Kind\"}] (0 changed,\n"
      "1 added, 2 deleted).",
      "  hoist diff work\n"
      "  hoist container diff --format json work",
      nullptr, RunDiff};
  return spec;
}

}  // namespace hoist::tools
