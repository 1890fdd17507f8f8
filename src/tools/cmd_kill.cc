// `hoist kill`: a signal to running containers' PID 1.

#include <iostream>

#include "container/container_run.h"
#include "tools/command.h"
#include "tools/container_args.h"

namespace hoist::tools {

namespace {

void AddKillOptions(cxxopts::Options& o) {
  o.add_options()("s,signal", "The signal to send (name or number)", cxxopts::value<std::string>()->default_value("KILL"),
                  "SIG");
}

Result<int> RunKill(CommandContext& ctx) {
  if (ctx.positional.empty()) return UsageError("kill needs at least one CONTAINER");
  HOIST_TRY_ASSIGN(int sig, ParseSignal(ctx.args["signal"].as<std::string>(), "--signal"));
  int code = kExitOk;
  for (const auto& name : ctx.positional) {
    auto found = FindContainerArg(ctx, name);
    Status sent = found.ok() ? container::SignalContainer(found->record, sig) : Status(found.error());
    if (!sent.ok()) {
      PrintOperandError(ctx, Error(sent.error()).WithContext("kill " + name));
      code = ExitCodeFor(sent.error());
      continue;
    }
    std::cout << name << "\n";
  }
  return code;
}

}  // namespace

const CommandSpec& KillCommand() {
  static const CommandSpec spec{
      "kill", {}, "Send a signal to running containers", "CONTAINER...",
      "Sends SIGKILL (or --signal, by name or number) to each running container's PID 1, as `docker\n"
      "kill`, and prints each argument; it does not wait for the container to exit (see hoist wait).\n"
      "A container that is not running is an error.",
      "  hoist kill web\n"
      "  hoist kill -s HUP web",
      AddKillOptions, RunKill};
  return spec;
}

}  // namespace hoist::tools
