// `hoist rm`: removes working containers and their files.

#include <signal.h>

#include <iostream>

#include "container/container_run.h"

#include "container/containers.h"
#include "tools/command.h"
#include "tools/store_flags.h"

namespace hoist::tools {

namespace {

constexpr int kForceRemoveWaitMs = 10000;  // rm -f: how long a killed container may take to end

void AddRmOptions(cxxopts::Options& o) {
  o.add_options()("f,force", "Kill a running container (SIGKILL) and remove it");
}

Result<int> RunRm(CommandContext& ctx) {
  if (ctx.positional.empty()) return UsageError("rm needs at least one CONTAINER (name or id)");
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  container::ContainerStore containers(layout.paths());
  int code = kExitOk;
  for (const auto& arg : ctx.positional) {
    auto c = containers.Find(arg);
    if (!c.ok()) {
      PrintOperandError(ctx, Error(c.error()).WithContext("rm"));
      code = ExitCodeFor(c.error());
      continue;
    }
    if (c->running() && !ctx.args.count("force")) {
      PrintOperandError(ctx, Error(ErrorCode::kConflict, "container " + arg + " is running (hoist process " +
                                                             std::to_string(c->pid) + "); stop it first or use --force")
                                 .WithContext("rm"));
      code = kExitFailure;
      continue;
    }
    if (c->running()) {
      // --force: docker kills a running container before removing it.
      (void)container::SignalContainer(*c, SIGKILL);
      auto ended = container::WaitForExit(containers, c->id, kForceRemoveWaitMs);
      if (ended.ok() && ended->running()) {
        PrintOperandError(ctx, Error(ErrorCode::kConflict, "container " + arg + " did not end after SIGKILL within " +
                                                               std::to_string(kForceRemoveWaitMs / 1000) + " seconds")
                                   .WithContext("rm"));
        code = kExitFailure;
        continue;
      }
    }
    auto s = containers.Remove(c->id);
    if (!s.ok()) {
      PrintOperandError(ctx, Error(s.error()).WithContext("rm"));
      code = ExitCodeFor(s.error());
      continue;
    }
    std::cout << arg << "\n";
  }
  return code;
}

}  // namespace

const CommandSpec& RmCommand() {
  static const CommandSpec spec{
      "rm", {}, "Remove working containers", "CONTAINER...",
      "Removes working containers made by `hoist run` (by name, id or unique id prefix) with their root\n"
      "filesystems. The images they came from stay. Each removed argument is printed; the exit code is\n"
      "that of the last failure, if any.",
      "  hoist rm work\n"
      "  hoist rm 3f2a9c1b7d0e hoist-77aa01c2d3e4\n"
      "  hoist rm -f $(hoist ps -a --format json | jq -r '.[].Id')",
      AddRmOptions, RunRm};
  return spec;
}

}  // namespace hoist::tools
