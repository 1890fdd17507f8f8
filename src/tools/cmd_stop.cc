// `hoist stop`: the stop signal to a container's PID 1, then SIGKILL after a grace period.

#include <signal.h>

#include <iostream>

#include "container/container_run.h"
#include "tools/command.h"
#include "tools/container_args.h"

namespace hoist::tools {

namespace {

constexpr int kMaxStopTimeout = 24 * 3600;

void AddStopOptions(cxxopts::Options& o) {
  o.add_options()("t,time", "Seconds to wait after the signal before SIGKILL (default 10)",
                  cxxopts::value<std::string>(), "SECS")(
      "s,signal", "The signal to stop with (default TERM)", cxxopts::value<std::string>()->default_value("TERM"), "SIG");
}

Result<int> RunStop(CommandContext& ctx) {
  if (ctx.positional.empty()) return UsageError("stop needs at least one CONTAINER");
  int timeout = container::kDefaultStopTimeoutSeconds;
  if (ctx.args.count("time")) {
    HOIST_TRY_ASSIGN(timeout, IntegerFlag(ctx.args, "time"));
    if (timeout > kMaxStopTimeout) return UsageError("--time is at most " + std::to_string(kMaxStopTimeout) + " seconds");
  }
  HOIST_TRY_ASSIGN(int sig, ParseSignal(ctx.args["signal"].as<std::string>(), "--signal"));
  int code = kExitOk;
  for (const auto& name : ctx.positional) {
    auto found = FindContainerArg(ctx, name);
    Result<container::ContainerRecord> stopped = found.ok() ? container::StopContainer(container::ContainerStore(found->layout.paths()),
                                                                               found->record, sig, timeout)
                                                        : Result<container::ContainerRecord>(found.error());
    if (!stopped.ok()) {
      PrintOperandError(ctx, Error(stopped.error()).WithContext("stop " + name));
      code = ExitCodeFor(stopped.error());
      continue;
    }
    std::cout << name << "\n";
  }
  return code;
}

}  // namespace

const CommandSpec& StopCommand() {
  static const CommandSpec spec{
      "stop", {}, "Stop running containers", "CONTAINER...",
      "Sends the stop signal (TERM, or --signal) to each container's PID 1 and waits up to --time\n"
      "seconds (10) for it to exit, then kills it with SIGKILL, as `docker stop`. A PID 1 without a\n"
      "handler for the signal ignores it (run it with --init to have one), so such a container ends\n"
      "at the SIGKILL. A container that is not running is left as it is. Each argument is printed once\n"
      "its container has stopped.",
      "  hoist stop web\n"
      "  hoist stop -t 1 web worker\n"
      "  hoist container stop --signal INT web",
      AddStopOptions, RunStop};
  return spec;
}

}  // namespace hoist::tools
