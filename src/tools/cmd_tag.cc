#include <iostream>

#include "store/image_lookup.h"
#include "tools/command.h"
#include "tools/store_flags.h"

namespace hoist::tools {

namespace {

Result<int> RunTag(CommandContext& ctx) {
  if (ctx.positional.size() != 2) return UsageError("tag needs SOURCE and TARGET");
  HOIST_TRY_ASSIGN(Reference target, ParseStoreReference(ctx.positional[1]));
  if (target.digest()) return UsageError("the target of tag cannot carry a digest: " + ctx.positional[1]);
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  // The lease keeps a concurrent prune from removing the image between lookup and naming.
  HOIST_TRY_ASSIGN(auto lease, layout.BeginWrite());
  HOIST_TRY_ASSIGN(auto found, store::FindImage(layout, ctx.positional[0]));
  HOIST_TRY(layout.SetName(target, found.descriptor));
  return kExitOk;
}

}  // namespace

const CommandSpec& TagCommand() {
  static const CommandSpec spec{
      "tag", {}, "Give an image in the local store another name", "SOURCE TARGET",
      "Makes TARGET (REPOSITORY[:TAG], :latest by default) name the image SOURCE names, like\n"
      "`docker tag`. SOURCE is a name, a name@digest, or an image ID (or a unique prefix of one) as\n"
      "`hoist images` shows it. No blob is copied: only index.json changes, atomically, so several\n"
      "hoist processes can tag in one store at the same time. A TARGET that already names another\n"
      "image is moved to this one.",
      "  hoist tag alpine:3.19 localhost:5000/team/alpine:3.19\n"
      "  hoist tag 3f57d9401f8d myapp:stable",
      nullptr, RunTag};
  return spec;
}

}  // namespace hoist::tools
