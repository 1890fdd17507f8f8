// `hoist run`: a working container from a stored image, and a command run in it (build/sandbox.h).

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "build/builder/image_transfer.h"
#include "build/containers.h"
#include "build/sandbox.h"
#include "build/stored_image.h"
#include "store/import.h"
#include "tools/command.h"
#include "tools/registry_flags.h"
#include "tools/store_flags.h"
#include "transfer/progress.h"

namespace hoist::tools {

namespace {

void AddRunOptions(cxxopts::Options& o) {
  o.add_options()
      ("name", "Name of the container (default: hoist-<id prefix>)", cxxopts::value<std::string>(), "NAME")
      ("i,interactive", "Keep standard input attached (without it the command reads /dev/null)")
      ("t,tty", "The command gets our terminal (standard input must be a terminal)")
      ("rm", "Remove the container when the command exits")
      ("e,env", "Set an environment variable (KEY=VALUE, or KEY to pass ours); repeatable",
       cxxopts::value<std::string>(), "KEY=VALUE")
      ("w,workdir", "Working directory inside the container", cxxopts::value<std::string>(), "DIR")
      ("u,user", "User to run as: NAME, UID, NAME:GROUP or UID:GID (names from the image's /etc/passwd)",
       cxxopts::value<std::string>(), "USER")
      ("entrypoint", "Replace the image's Entrypoint (\"\" clears it)", cxxopts::value<std::string>(), "CMD")
      ("network", "host (share ours, the default) or none (only a loopback interface)",
       cxxopts::value<std::string>()->default_value("host"), "MODE")
      ("cap-add", "Give the command a capability beyond docker's default set (NET_ADMIN, CAP_NET_ADMIN, or ALL); "
       "repeatable", cxxopts::value<std::string>(), "CAP")
      ("cap-drop", "Take a capability away from the default set (ALL: keep only the --cap-add ones); repeatable",
       cxxopts::value<std::string>(), "CAP")
      ("privileged", "Lift the confinement: every capability, no seccomp filter, no no_new_privs, /proc and /sys "
       "unmasked and writable, device nodes usable")
      ("pull", "Pull the image first: missing (when the store lacks it), always, or never",
       cxxopts::value<std::string>()->default_value("missing"), "POLICY");
  AddRegistryOptions(o);
}

// docker's --pull: the image comes from its registry when the store lacks it (or always).
Status PullImage(CommandContext& ctx, const std::string& image_arg) {
  const std::string policy = ctx.args["pull"].as<std::string>();
  if (policy != "missing" && policy != "always" && policy != "never") {
    return UsageError("--pull must be missing, always or never, got \"" + policy + "\"");
  }
  if (policy == "never") return Ok();
  if (policy == "missing" && StoreExists(ctx)) {
    HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
    auto have = build::LoadStoredImage(layout, image_arg);
    if (have.ok() || have.error().code() != ErrorCode::kNotFound) return Ok();  // errors show up again below
  }
  auto ref = Reference::Parse(image_arg);
  if (!ref.ok()) return Ok();  // an image ID, not a name: nothing to pull
  HOIST_TRY(OpenStore(ctx, StoreAccess::kWrite));
  HOIST_TRY_ASSIGN(auto client, MakeRegistryClient(ctx));
  transfer::Endpoints ep;
  ep.client = client.get();
  ep.store_path = StorePath(ctx);
  transfer::ProgressMode mode = transfer::ProgressMode::kAuto;
  switch (ctx.global.progress) {
    case Progress::kTty: mode = transfer::ProgressMode::kTty; break;
    case Progress::kPlain: mode = transfer::ProgressMode::kPlain; break;
    case Progress::kJson: mode = transfer::ProgressMode::kJson; break;
    case Progress::kNone: mode = transfer::ProgressMode::kNone; break;
    default: break;
  }
  transfer::ProgressReporter progress(mode, stderr);
  auto st = build::builder::PullIntoStore(ep, *ref, &progress);
  progress.End();
  if (!st.ok()) {
    return std::move(st).error().WithContext("pull " + ref->str() +
                                             " (not in the store; --pull=never runs only stored images)");
  }
  return Ok();
}

// Image Env overridden by -e, key by key; "-e KEY" passes our value of KEY (docker's rule).
std::vector<std::string> MergeEnv(std::vector<std::string> env, const std::vector<std::string>& flags) {
  for (std::string e : flags) {
    size_t eq = e.find('=');
    std::string key = e.substr(0, eq);
    if (eq == std::string::npos) {
      const char* ours = std::getenv(key.c_str());
      if (ours == nullptr) continue;
      e = key + "=" + ours;
    }
    std::erase_if(env, [&](const std::string& x) { return x.compare(0, key.size() + 1, key + "=") == 0; });
    env.push_back(e);
  }
  return env;
}

Result<int> RunRun(CommandContext& ctx) {
  if (ctx.positional.empty()) return UsageError("run needs an IMAGE (and optionally a command)");
  const std::string& image_arg = ctx.positional[0];
  HOIST_TRY(RefuseTransport(image_arg));
  std::vector<std::string> cmd(ctx.positional.begin() + 1, ctx.positional.end());
  const std::string network = ctx.args["network"].as<std::string>();
  if (network != "host" && network != "none") return UsageError("--network must be host or none");
  if (ctx.args.count("tty") && !::isatty(STDIN_FILENO)) {
    return UsageError("-t needs a terminal on standard input (drop -t when piping input)");
  }

  HOIST_TRY(PullImage(ctx, image_arg));
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  auto loaded = build::LoadStoredImage(layout, image_arg);
  if (!loaded.ok() && loaded.error().code() == ErrorCode::kNotFound) {
    if (auto ref = Reference::Parse(image_arg); ref.ok()) loaded = build::LoadStoredImage(layout, ref->str());
  }
  HOIST_TRY_ASSIGN(build::StoredImage image, std::move(loaded));
  const ContainerConfig defaults = image.config.config().value_or(ContainerConfig{});

  std::vector<std::string> entrypoint = defaults.entrypoint.value_or(std::vector<std::string>{});
  if (ctx.args.count("entrypoint")) {
    std::string e = ctx.args["entrypoint"].as<std::string>();
    entrypoint = e.empty() ? std::vector<std::string>{} : std::vector<std::string>{e};
  }
  if (cmd.empty() && !ctx.args.count("entrypoint")) cmd = defaults.cmd.value_or(std::vector<std::string>{});
  build::SandboxOptions sandbox;
  sandbox.argv = entrypoint;
  sandbox.argv.insert(sandbox.argv.end(), cmd.begin(), cmd.end());
  if (sandbox.argv.empty()) {
    return UsageError("no command given and " + image_arg + " has no Entrypoint or Cmd");
  }
  sandbox.env = MergeEnv(defaults.env, RepeatedFlag(ctx.args, "env"));  // -e LIST=a,b stays whole
  sandbox.working_dir = ctx.args.count("workdir") ? ctx.args["workdir"].as<std::string>() : defaults.working_dir;
  sandbox.user = ctx.args.count("user") ? ctx.args["user"].as<std::string>() : defaults.user;
  sandbox.network = network == "none" ? build::SandboxOptions::Network::kNone : build::SandboxOptions::Network::kHost;
  sandbox.null_stdin = !ctx.args.count("interactive");
  sandbox.privileged = ctx.args.count("privileged") > 0;
  auto caps = build::ApplyCapabilityFlags(build::kDefaultCapabilities, RepeatedFlag(ctx.args, "cap-add"),
                                          RepeatedFlag(ctx.args, "cap-drop"));
  if (!caps.ok()) return UsageError(caps.error().message());
  sandbox.capabilities = *caps;

  build::ContainerStore containers(layout.paths());
  build::ContainerRecord record;
  if (ctx.args.count("name")) record.name = ctx.args["name"].as<std::string>();
  record.image = image_arg;
  record.image_manifest = image.manifest_descriptor.digest;
  record.created = store::Rfc3339(static_cast<int64_t>(std::time(nullptr)));
  record.command = sandbox.argv;
  HOIST_TRY_ASSIGN(record, containers.Create(record));
  const bool remove = ctx.args.count("rm") > 0;
  sandbox.rootfs = containers.Rootfs(record.id);
  sandbox.hostname = record.id.substr(0, 12);

  auto unpacked = build::UnpackStoredImage(layout, image, sandbox.rootfs);
  if (!unpacked.ok()) {
    (void)containers.Remove(record.id);
    return std::move(unpacked).error().WithContext("run " + image_arg);
  }
  record.status = "running";
  record.pid = static_cast<int>(::getpid());
  HOIST_TRY(containers.Save(record));

  auto code = build::RunInSandbox(sandbox);
  record.status = "exited";
  record.pid = 0;
  record.exit_code = code.ok() ? *code : (code.error().code() == ErrorCode::kNotFound ? build::kExitCommandNotFound
                                                                                      : build::kExitCannotExecute);
  if (remove) {
    HOIST_TRY(containers.Remove(record.id));
  } else {
    HOIST_TRY(containers.Save(record));
  }
  if (!code.ok()) {
    // docker's exit codes: 127 the command is not there, 126 it cannot be run.
    std::cerr << "hoist: run " << image_arg << ": " << code.error().ToString() << "\n";
    return record.exit_code;
  }
  return *code;
}

}  // namespace

const CommandSpec& RunCommand() {
  static const CommandSpec spec{
      "run", {}, "Run a command in a new working container of a stored image", "IMAGE [COMMAND [ARG...]]",
      "Unpacks IMAGE from the store into a new working container (kept under the store's\n"
      ".hoist/containers/ until `hoist rm`, so `hoist commit` can save its changes) and runs COMMAND in\n"
      "it, or the image's Entrypoint and Cmd. Flags end at IMAGE: what follows is the command line.\n"
      "The command runs in new mount, PID, UTS and IPC namespaces, with /proc, a minimal /dev, a\n"
      "read-only /sys and the host's /etc/resolv.conf and /etc/hosts (read-only); the network is the\n"
      "host's unless --network none. The image's Env, WorkingDir and User apply; -e, -w and -u override\n"
      "them.\n"
      "The command is confined as docker confines a container: docker's default capabilities (CHOWN,\n"
      "DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE,\n"
      "SYS_CHROOT, KILL, AUDIT_WRITE; the bounding set too, so root inside cannot regain others),\n"
      "no_new_privs (setuid programs do not raise privileges), and a seccomp filter refusing with EPERM\n"
      "mount, unshare/setns and namespace clones, module loading, kexec, reboot, bpf, perf_event_open,\n"
      "ptrace, keyrings, clock and swap changes and other kernel administration (clone3 gets ENOSYS, so\n"
      "libc uses clone). A capability given with --cap-add also unlocks the calls it governs, as in\n"
      "docker (SYS_ADMIN: mount and namespaces; SYS_PTRACE: ptrace; SYS_TIME: the clock; …).\n"
      "/proc/kcore, /proc/keys, /proc/timer_list, /proc/sched_debug, /proc/acpi, /proc/scsi,\n"
      "/sys/firmware and the like are masked; /proc/sys, /proc/sysrq-trigger, /proc/irq, /proc/bus and\n"
      "/proc/fs are read-only; /sys is a read-only sysfs without the host's cgroup mounts. The root and\n"
      "/dev are mounted nodev: a device node the command makes (mknod) cannot be opened. --privileged\n"
      "lifts all of this (but adds none of the host's devices to /dev).\n"
      "As root this works directly; as another user hoist enters a user namespace mapping you to\n"
      "root (only root then exists inside), and says so when the kernel does not allow it.\n"
      "The exit code is the command's; 127 when the command is not in the image, 126 when it cannot be\n"
      "executed; hoist's own failures (an unknown image, a bad flag) use the exit codes below.\n"
      "An image the store lacks is pulled first, as docker does (--pull=never turns that off,\n"
      "--pull=always pulls every time); the registry flags are pull's.",
      "  hoist run docker.io/library/busybox:latest sh -c 'echo hi > /greeting; rm /bin/vi'\n"
      "  hoist run -it --name work example.com/base:1 sh\n"
      "  hoist run --rm -e MODE=test -w /src -u app example.com/app:1 make check\n"
      "  hoist run --rm --network none example.com/base:1 cat /etc/os-release\n"
      "  hoist run --rm --cap-drop ALL --cap-add NET_BIND_SERVICE example.com/web:1",
      AddRunOptions, RunRun};
  return spec;
}

}  // namespace hoist::tools
