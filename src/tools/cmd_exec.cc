// `hoist exec`: another command in a running container (container/sandbox_exec.h).

#include <unistd.h>

#include <iostream>

#include "container/sandbox_exec.h"
#include "tools/command.h"
#include "tools/container_args.h"
#include "tools/run_flags.h"

namespace hoist::tools {

namespace {

void AddExecOptions(cxxopts::Options& o) {
  o.add_options()
      ("i,interactive", "Keep standard input attached (without it the command reads /dev/null)")
      ("t,tty", "Give the command a pseudo-terminal (with -i, standard input must be a terminal)")
      ("e,env", "Set an environment variable (KEY=VALUE, or KEY to pass ours); repeatable",
       cxxopts::value<std::string>(), "KEY=VALUE")
      ("w,workdir", "Working directory (default: the container's)", cxxopts::value<std::string>(), "DIR")
      ("u,user", "User to run as (default: the container's)", cxxopts::value<std::string>(), "USER")
      ("privileged", "Lift the confinement for this command (as run --privileged)");
}

Result<int> RunExec(CommandContext& ctx) {
  if (ctx.positional.size() < 2) return UsageError("exec needs a CONTAINER and a COMMAND");
  const bool interactive = ctx.args.count("interactive") > 0;
  const bool tty = ctx.args.count("tty") > 0;
  if (tty && interactive && !::isatty(STDIN_FILENO)) {
    return UsageError("the input device is not a TTY: -it needs a terminal on standard input");
  }
  HOIST_TRY_ASSIGN(FoundContainer found, FindContainerArg(ctx, ctx.positional[0]));
  const container::ContainerRecord& c = found.record;
  if (!c.running() || c.container_pid <= 0) {
    return Error(ErrorCode::kConflict, "container " + ctx.positional[0] + " is not running (hoist start it first)");
  }
  container::ExecOptions o;
  o.container_pid = c.container_pid;
  o.rootfs = container::ContainerStore(found.layout.paths()).Rootfs(c.id);
  o.argv.assign(ctx.positional.begin() + 1, ctx.positional.end());
  o.env = MergeEnv(c.spec.env, RepeatedFlag(ctx.args, "env"));
  if (std::none_of(o.env.begin(), o.env.end(), [](const std::string& e) { return e.rfind("HOSTNAME=", 0) == 0; })) {
    o.env.push_back("HOSTNAME=" + (c.spec.hostname.empty() ? c.id.substr(0, 12) : c.spec.hostname));
  }
  o.working_dir = ctx.args.count("workdir") ? ctx.args["workdir"].as<std::string>() : c.spec.working_dir;
  o.user = ctx.args.count("user") ? ctx.args["user"].as<std::string>() : c.spec.user;
  o.null_stdin = !interactive;
  o.tty = tty;
  o.capabilities = c.spec.capabilities;
  o.privileged = c.spec.privileged || ctx.args.count("privileged") > 0;
  auto code = container::ExecInContainer(o);
  if (!code.ok()) {
    std::cerr << "hoist: exec " << ctx.positional[0] << ": " << code.error().ToString() << "\n";
    return code.error().code() == ErrorCode::kNotFound ? container::kExitCommandNotFound
                                                         : container::kExitCannotExecute;
  }
  return *code;
}

}  // namespace

const CommandSpec& ExecCommand() {
  static const CommandSpec spec{
      "exec", {}, "Run a command in a running container", "CONTAINER COMMAND [ARG...]",
      "Starts COMMAND inside a running container, as `docker exec`: in the namespaces of its PID 1\n"
      "(mount, PID, UTS, IPC and network, and its user namespace when hoist runs without root), in its\n"
      "root, with its environment (plus -e), working directory (-w) and user (-u), confined as its\n"
      "command is. Flags end at CONTAINER: what follows is the command line. -i attaches standard\n"
      "input; -t gives a pseudo-terminal of the container's (with -i our terminal is relayed in raw\n"
      "mode). The exit code is the command's; 127 when it is not in the container, 126 when it\n"
      "cannot be executed.",
      "  hoist exec web cat /etc/hostname\n"
      "  hoist exec -it web sh\n"
      "  hoist container exec -e DEBUG=1 -w /srv -u app web ./check",
      AddExecOptions, RunExec};
  return spec;
}

}  // namespace hoist::tools
