// `hoist start`: runs a stopped container's command again, detached.

#include <iostream>

#include "container/binfmt.h"
#include "container/container_run.h"
#include "tools/command.h"
#include "tools/container_args.h"

namespace hoist::tools {

namespace {

// A container of another architecture runs through qemu's binfmt_misc handler, as `run` checked.
Status CheckPlatform(const container::ContainerRecord& record) {
  if (record.platform.empty()) return Ok();
  auto platform = Platform::Parse(record.platform);
  if (!platform.ok()) return Ok();  // an older or hand-edited record: the kernel will say
  return container::CheckEmulation(*platform, "container " + record.name + " (" + record.platform + ")");
}

Result<int> RunStart(CommandContext& ctx) {
  if (ctx.positional.empty()) return UsageError("start needs at least one CONTAINER");
  int code = kExitOk;
  for (const auto& name : ctx.positional) {
    auto found = FindContainerArg(ctx, name);
    Status started = found.ok() ? Status(Ok()) : Status(found.error());
    if (found.ok() && !found->record.running()) {
      started = CheckPlatform(found->record);  // qemu's handler may be gone since the container was made
      if (started.ok()) {
        started = container::StartDetached(container::ContainerStore(found->layout.paths()), found->record);
      }
    }
    if (!started.ok()) {
      PrintOperandError(ctx, Error(started.error()).WithContext("start " + name));
      code = ExitCodeFor(started.error());
      continue;
    }
    std::cout << name << "\n";
  }
  return code;
}

}  // namespace

const CommandSpec& StartCommand() {
  static const CommandSpec spec{
      "start", {}, "Start stopped containers again, in the background", "CONTAINER...",
      "Runs each container's command again in its root filesystem as it is now (changes kept), with\n"
      "the settings it was created with (env, mounts, user, …), detached under a supervisor as\n"
      "`hoist run -d`: its output is appended to the container's log (hoist logs). A running container\n"
      "is left as it is. Each argument is printed once its container runs.",
      "  hoist start web\n"
      "  hoist start web && hoist logs -f web",
      nullptr, RunStart};
  return spec;
}

}  // namespace hoist::tools
