#include "container/containers.h"
#include "store/prune.h"
#include "tools/command.h"
#include "tools/prune_output.h"
#include "tools/store_flags.h"

namespace hoist::tools {

namespace {

void AddPruneOptions(cxxopts::Options& o) {
  o.add_options()("a,all", "Also remove images that have no name (unnamed index.json entries)")(
      "f,force", "Accepted for docker compatibility (hoist does not ask for confirmation)");
}

Result<int> RunPrune(CommandContext& ctx) {
  if (!ctx.positional.empty()) return UsageError("prune takes no arguments");
  PruneOutcome outcome;
  if (StoreExists(ctx)) {
    HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
    store::PruneOptions options;
    options.all = ctx.args.count("all") > 0;
    HOIST_TRY_ASSIGN(outcome.report, store::Prune(layout, options));
    HOIST_TRY_ASSIGN(outcome.broken, container::ContainerStore(layout.paths()).RemoveBroken());
  }
  PrintPruneOutcome(ctx, outcome);
  return kExitOk;
}

}  // namespace

const CommandSpec& PruneCommand() {
  static const CommandSpec spec{
      "prune", {}, "Remove what no image name reaches from the local store", "",
      "Removes the blobs (manifests, configs, layers) that no index.json entry reaches: what `rmi`\n"
      "untagged and what interrupted loads or pulls left behind. --all also removes images that have\n"
      "no name (index.json entries without org.opencontainers.image.ref.name, the store's \"dangling\"\n"
      "images), like `docker image prune -a`. Temp space in .hoist/tmp whose command is no longer\n"
      "running (a killed load, commit or build: its owner lock is free) goes at once; partial downloads\n"
      "older than a day go too (younger ones are kept so an interrupted pull can resume), and so do\n"
      "working-container directories without a record (a `hoist run` killed while creating one).\n"
      "Prints what was deleted and the space reclaimed (--format json: RemovedImages, DeletedBlobs,\n"
      "StaleFilesRemoved, SpaceReclaimed in bytes).\n"
      "\n"
      "Prune waits for hoist processes writing to the store, and they wait for it; killed at any\n"
      "moment, it leaves a store that passes `hoist fsck`. A manifest that cannot be read stops it\n"
      "before anything is removed: run `hoist fsck --repair` first.",
      "  hoist rmi alpine:3.19 && hoist prune\n"
      "  hoist prune --all --format json",
      AddPruneOptions, RunPrune};
  return spec;
}

}  // namespace hoist::tools
