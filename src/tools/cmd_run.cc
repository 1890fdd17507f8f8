// `hoist run`: a working container from a stored image, and a command run in it (container/sandbox.h).

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "container/binfmt.h"
#include "container/image_transfer.h"
#include "container/containers.h"
#include "container/sandbox.h"
#include "container/stored_image.h"
#include "store/import.h"
#include "container/container_run.h"
#include "container/volumes.h"
#include "tools/command.h"
#include "tools/run_flags.h"
#include "tools/registry_flags.h"
#include "tools/store_flags.h"
#include "transfer/progress.h"

namespace hoist::tools {

namespace {

void AddRunOptions(cxxopts::Options& o) {
  o.add_options()
      ("name", "Name of the container (default: hoist-<id prefix>)", cxxopts::value<std::string>(), "NAME")
      ("d,detach", "Run in the background: print the container ID and return (see hoist logs, stop, wait)")
      ("i,interactive", "Keep standard input attached (without it the command reads /dev/null)")
      ("t,tty", "Give the command a pseudo-terminal (with -i, standard input must be a terminal)")
      ("rm", "Remove the container when the command exits")
      ("v,volume", "Mount HOST_DIR:CTR_DIR[:ro], a named volume NAME:CTR_DIR[:ro] (created when missing), or an "
       "anonymous volume CTR_DIR; repeatable", cxxopts::value<std::string>(), "SPEC")
      ("mount", "Mount type=bind|volume|tmpfs,source=…,target=…[,readonly][,tmpfs-size=…][,tmpfs-mode=…]; "
       "repeatable", cxxopts::value<std::string>(), "SPEC")
      ("tmpfs", "Mount a tmpfs at CTR_DIR[:OPTIONS]; repeatable", cxxopts::value<std::string>(), "CTR_DIR")
      ("read-only", "Mount the container's root filesystem read-only (mounts, /dev, /proc stay as they are)")
      ("e,env", "Set an environment variable (KEY=VALUE, or KEY to pass ours); repeatable",
       cxxopts::value<std::string>(), "KEY=VALUE")
      ("env-file", "Read environment variables from FILE (KEY=VALUE lines, # comments); repeatable",
       cxxopts::value<std::string>(), "FILE")
      ("hostname", "The container's host name (default: the first 12 digits of its ID)",
       cxxopts::value<std::string>(), "NAME")
      ("init", "Run a small init as PID 1 that reaps orphans and forwards signals to the command")
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
      ("platform", "Run the image of this platform (from an index holding several); another architecture runs "
                   "through qemu-user-static (binfmt_misc)", cxxopts::value<std::string>(), "OS/ARCH[/VARIANT]")
      ("pull", "Pull the image first: missing (when the store lacks it), always, or never",
       cxxopts::value<std::string>()->default_value("missing"), "POLICY");
  AddRegistryOptions(o);
}

// docker's --pull: the image comes from its registry when the store lacks it (or always).
Status PullImage(CommandContext& ctx, const std::string& image_arg, const std::optional<Platform>& platform) {
  const std::string policy = ctx.args["pull"].as<std::string>();
  if (policy != "missing" && policy != "always" && policy != "never") {
    return UsageError("--pull must be missing, always or never, got \"" + policy + "\"");
  }
  if (policy == "never") return Ok();
  if (policy == "missing" && StoreExists(ctx)) {
    HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
    auto have = container::LoadStoredImage(layout, image_arg, platform);
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
  std::vector<Platform> platforms;
  if (platform) platforms.push_back(*platform);
  auto st = container::PullIntoStore(ep, *ref, &progress, platforms);
  progress.End();
  if (!st.ok()) {
    return std::move(st).error().WithContext("pull " + ref->str() +
                                             " (not in the store; --pull=never runs only stored images)");
  }
  return Ok();
}

// The mounts of -v, --mount and --tmpfs, in that order.
Result<RunMounts> ParseMounts(CommandContext& ctx, const store::OciLayout& layout) {
  RunMounts mounts;
  container::VolumeStore volumes(layout.paths());
  for (const auto& v : RepeatedFlag(ctx.args, "volume")) HOIST_TRY(AddVolumeFlag(v, volumes, mounts));
  for (const auto& m : RepeatedFlag(ctx.args, "mount")) HOIST_TRY(AddMountFlag(m, volumes, mounts));
  for (const auto& t : RepeatedFlag(ctx.args, "tmpfs")) HOIST_TRY(AddTmpfsFlag(t, mounts));
  return mounts;
}

Result<int> RunRun(CommandContext& ctx) {
  if (ctx.positional.empty()) return UsageError("run needs an IMAGE (and optionally a command)");
  const std::string& image_arg = ctx.positional[0];
  HOIST_TRY(RefuseTransport(image_arg));
  std::vector<std::string> cmd(ctx.positional.begin() + 1, ctx.positional.end());
  const std::string network = ctx.args["network"].as<std::string>();
  if (network != "host" && network != "none") return UsageError("--network must be host or none");
  const bool detach = ctx.args.count("detach") > 0;
  const bool interactive = ctx.args.count("interactive") > 0;
  const bool tty = ctx.args.count("tty") > 0;
  if (tty && interactive && !detach && !::isatty(STDIN_FILENO)) {
    return UsageError("the input device is not a TTY: -it needs a terminal on standard input (drop -t when piping input)");
  }
  if (detach && interactive) return UsageError("-d and -i cannot be combined: hoist has no attach");
  std::vector<std::string> env_flags;
  for (const auto& file : RepeatedFlag(ctx.args, "env-file")) {
    HOIST_TRY_ASSIGN(auto lines, ReadEnvFile(file));
    env_flags.insert(env_flags.end(), lines.begin(), lines.end());
  }
  for (const auto& e : RepeatedFlag(ctx.args, "env")) env_flags.push_back(e);  // -e LIST=a,b stays whole

  std::optional<Platform> platform;
  if (ctx.args.count("platform")) {
    auto p = Platform::Parse(ctx.args["platform"].as<std::string>());
    if (!p.ok()) return UsageError("--platform: " + p.error().message());
    platform = *p;
  }
  HOIST_TRY(PullImage(ctx, image_arg, platform));
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  auto loaded = container::LoadStoredImage(layout, image_arg, platform);
  if (!loaded.ok() && loaded.error().code() == ErrorCode::kNotFound) {
    if (auto ref = Reference::Parse(image_arg); ref.ok()) {
      loaded = container::LoadStoredImage(layout, ref->str(), platform);
    }
  }
  HOIST_TRY_ASSIGN(container::StoredImage image, std::move(loaded));
  if (const Platform& p = image.config.platform(); !p.os.empty() && !p.architecture.empty()) {
    HOIST_TRY(container::CheckEmulation(p, "images for " + p.str()));  // another architecture: qemu's handler
  }
  const ContainerConfig defaults = image.config.config().value_or(ContainerConfig{});

  std::vector<std::string> entrypoint = defaults.entrypoint.value_or(std::vector<std::string>{});
  if (ctx.args.count("entrypoint")) {
    std::string e = ctx.args["entrypoint"].as<std::string>();
    entrypoint = e.empty() ? std::vector<std::string>{} : std::vector<std::string>{e};
  }
  if (cmd.empty() && !ctx.args.count("entrypoint")) cmd = defaults.cmd.value_or(std::vector<std::string>{});
  container::ContainerRecord record;
  record.command = entrypoint;
  record.command.insert(record.command.end(), cmd.begin(), cmd.end());
  if (record.command.empty()) {
    return UsageError("no command given and " + image_arg + " has no Entrypoint or Cmd");
  }
  container::RunSpec& spec = record.spec;
  spec.env = MergeEnv(defaults.env, env_flags);
  spec.working_dir = ctx.args.count("workdir") ? ctx.args["workdir"].as<std::string>() : defaults.working_dir;
  spec.user = ctx.args.count("user") ? ctx.args["user"].as<std::string>() : defaults.user;
  if (ctx.args.count("hostname")) spec.hostname = ctx.args["hostname"].as<std::string>();
  spec.network_none = network == "none";
  spec.privileged = ctx.args.count("privileged") > 0;
  auto caps = container::ApplyCapabilityFlags(container::kDefaultCapabilities, RepeatedFlag(ctx.args, "cap-add"),
                                          RepeatedFlag(ctx.args, "cap-drop"));
  if (!caps.ok()) return UsageError(caps.error().message());
  spec.capabilities = *caps;
  spec.read_only_root = ctx.args.count("read-only") > 0;
  spec.init = ctx.args.count("init") > 0;
  spec.tty = tty;
  const bool remove = ctx.args.count("rm") > 0;
  spec.auto_remove = remove && detach;
  HOIST_TRY_ASSIGN(RunMounts mounts, ParseMounts(ctx, layout));
  spec.mounts = std::move(mounts.mounts);
  spec.volumes = std::move(mounts.volumes);

  container::ContainerStore containers(layout.paths());
  if (ctx.args.count("name")) record.name = ctx.args["name"].as<std::string>();
  record.image = image_arg;
  record.image_manifest = image.manifest_descriptor.digest;
  if (const Platform& p = image.config.platform(); !p.os.empty() && !p.architecture.empty()) record.platform = p.str();
  record.created = store::Rfc3339(static_cast<int64_t>(std::time(nullptr)));
  HOIST_TRY_ASSIGN(record, containers.Create(record));
  if (spec.hostname.empty()) {
    record.spec.hostname = record.id.substr(0, 12);
    HOIST_TRY(containers.Save(record));
  }

  auto unpacked = container::UnpackStoredImage(layout, image, containers.Rootfs(record.id));
  if (!unpacked.ok()) {
    (void)containers.Remove(record.id);
    return std::move(unpacked).error().WithContext("run " + image_arg);
  }
  if (detach) {
    auto started = container::StartDetached(containers, record);
    if (!started.ok()) {
      const ErrorCode kind = started.error().code();
      if (kind != ErrorCode::kNotFound && kind != ErrorCode::kDenied) {
        return std::move(started).error().WithContext("run " + image_arg);
      }
      // The command is not there or cannot run: docker's 127 and 126, the container kept (exited).
      std::cerr << "hoist: run " << image_arg << ": " << started.error().ToString() << "\n";
      return kind == ErrorCode::kNotFound ? container::kExitCommandNotFound : container::kExitCannotExecute;
    }
    std::cout << record.id << "\n";
    return kExitOk;
  }

  auto code = container::RunAttached(containers, record, interactive);
  if (remove) HOIST_TRY(containers.Remove(record.id));
  if (!code.ok()) {
    // docker's exit codes: 127 the command is not there, 126 it cannot be run.
    std::cerr << "hoist: run " << image_arg << ": " << code.error().ToString() << "\n";
    return code.error().code() == ErrorCode::kNotFound ? container::kExitCommandNotFound
                                                         : container::kExitCannotExecute;
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
      "After `run`, -v is --volume as in docker (before the verb it is the global --verbose).\n"
      "The command runs in new mount, PID, UTS and IPC namespaces and is PID 1 there, as in docker\n"
      "(a PID 1 ignores signals it has no handler for: --init puts a small init in front that reaps\n"
      "orphans and forwards signals; a second Ctrl-C kills a command that ignored the first). It gets /proc, a minimal /dev, a read-only /sys and the host's\n"
      "/etc/resolv.conf and /etc/hosts (read-only). The network is the host's by default (hoist has no\n"
      "bridge: --network host is what a daemonless run gives); --network none leaves only a loopback\n"
      "interface. The image's Env, WorkingDir and User apply; -e, --env-file, -w and -u override them.\n"
      "-v, --mount and --tmpfs add mounts: a host path (-v makes a missing directory; --mount\n"
      "type=bind wants it to exist), a named volume (hoist volume; made on first use) or a tmpfs;\n"
      "mount points the image lacks are created in it. --read-only makes the root read-only.\n"
      "-t gives the command a pseudo-terminal of the container's own (tty prints /dev/pts/0); with -i\n"
      "our terminal is put in raw mode and relayed to it. -d runs the container in the background under\n"
      "a supervisor process: its output goes to a log (hoist logs), and hoist stop, kill, wait, exec,\n"
      "diff and inspect work on it.\n"
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
      "  hoist run --rm --cap-drop ALL --cap-add NET_BIND_SERVICE example.com/web:1\n"
      "  hoist run --rm -v $PWD:/src -v cache:/root/.cache -w /src example.com/build:1 make\n"
      "  hoist run -d --name web --read-only --tmpfs /run example.com/web:1",
      AddRunOptions, RunRun};
  return spec;
}

}  // namespace hoist::tools
