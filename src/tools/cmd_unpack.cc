// `hoist unpack`: an image's root filesystem written into a directory.

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>

#include "container/stored_image.h"
#include "core/fs.h"
#include "tools/command.h"
#include "tools/store_flags.h"

namespace hoist::tools {

namespace {

Result<int> RunUnpack(CommandContext& ctx) {
  if (ctx.positional.size() != 2) return UsageError("unpack needs IMAGE and DIR");
  const std::string& image_arg = ctx.positional[0];
  const std::string& dir = ctx.positional[1];
  HOIST_TRY(RefuseTransport(image_arg));
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  HOIST_TRY_ASSIGN(container::StoredImage image, container::LoadStoredImage(layout, image_arg));
  if (::mkdir(dir.c_str(), 0755) != 0) {
    if (errno != EEXIST) return ErrnoError("create " + dir, errno);
    HOIST_TRY_ASSIGN(auto names, ListDirNames(dir));
    if (!names.empty()) return InvalidArgument(dir + " is not empty: unpack writes into a new or empty directory");
  }
  auto s = container::UnpackStoredImage(layout, image, dir);
  if (!s.ok()) return std::move(s).error().WithContext("unpack " + image_arg + " into " + dir);
  if (ctx.global.format == OutputFormat::kText) {
    std::cout << "unpacked " << image.manifest.layers().size() << " layer(s) of " << image_arg << " into " << dir
              << "\n";
  }
  return kExitOk;
}

}  // namespace

const CommandSpec& UnpackCommand() {
  static const CommandSpec spec{
      "unpack", {}, "Write an image's root filesystem into a directory", "IMAGE DIR",
      "Applies the layers of IMAGE (from the store; an index gives this machine's platform) in order\n"
      "into DIR, which must be new or empty, as `umoci unpack` does for its rootfs/: whiteouts and\n"
      "opaque directories applied, hardlinks, symlinks, modes, mtimes and xattrs kept; ownership and\n"
      "device nodes only when run as root. Every blob is checked against its digest and every layer\n"
      "against the config's diff_id. No path can leave DIR: symlinks in the image resolve inside it.\n"
      "Edit the tree with any tool, then save it with `hoist commit --from IMAGE DIR NEW`.",
      "  hoist unpack docker.io/library/alpine:3.19 ./alpine\n"
      "  hoist unpack example.com/base:1 /tmp/tree && hoist commit --from example.com/base:1 /tmp/tree base:2",
      nullptr, RunUnpack};
  return spec;
}

}  // namespace hoist::tools
