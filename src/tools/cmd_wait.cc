// `hoist wait`: blocks until containers exit and prints their exit codes.

#include <iostream>

#include "container/container_run.h"
#include "tools/command.h"
#include "tools/container_args.h"

namespace hoist::tools {

namespace {

Result<int> RunWait(CommandContext& ctx) {
  if (ctx.positional.empty()) return UsageError("wait needs at least one CONTAINER");
  int code = kExitOk;
  for (const auto& name : ctx.positional) {
    auto found = FindContainerArg(ctx, name);
    auto done = found.ok()
                    ? container::WaitForExit(container::ContainerStore(found->layout.paths()), found->record.id, -1)
                    : Result<container::ContainerRecord>(found.error());
    if (!done.ok()) {
      PrintOperandError(ctx, Error(done.error()).WithContext("wait " + name));
      code = ExitCodeFor(done.error());
      continue;
    }
    std::cout << done->exit_code << std::endl;
  }
  return code;
}

}  // namespace

const CommandSpec& WaitCommand() {
  static const CommandSpec spec{
      "wait", {}, "Wait for containers to exit and print their exit codes", "CONTAINER...",
      "Blocks until each container is no longer running and prints its exit code, one line per\n"
      "argument, as `docker wait`. A container that is not running prints its last exit code at once.",
      "  hoist wait web\n"
      "  code=$(hoist wait job)",
      nullptr, RunWait};
  return spec;
}

}  // namespace hoist::tools
