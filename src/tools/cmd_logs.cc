// `hoist logs`: the output of a detached container (run -d, start), kept in its log file.

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "container/container_run.h"
#include "core/fs.h"
#include "tools/command.h"
#include "tools/container_args.h"

namespace hoist::tools {

namespace {

constexpr size_t kReadChunk = 64 * 1024;

void AddLogsOptions(cxxopts::Options& o) {
  o.add_options()("f,follow", "Keep printing new output until the container exits")(
      "n,tail", "Only the last N lines (or all)", cxxopts::value<std::string>()->default_value("all"), "N");
}

// Where the last `lines` lines of the file begin.
off_t TailOffset(int fd, uint64_t lines) {
  off_t end = ::lseek(fd, 0, SEEK_END);
  if (end <= 0) return 0;
  char buf[4096];
  uint64_t seen = 0;
  off_t pos = end;
  bool last_char = true;
  while (pos > 0) {
    off_t step = pos < static_cast<off_t>(sizeof buf) ? pos : static_cast<off_t>(sizeof buf);
    pos -= step;
    if (::pread(fd, buf, static_cast<size_t>(step), pos) != step) return 0;
    for (off_t i = step - 1; i >= 0; --i) {
      if (buf[i] == '\n' && !last_char) {
        if (++seen == lines) return pos + i + 1;
      }
      last_char = false;
    }
  }
  return 0;
}

// Copies from `fd` at its offset to stdout until end of file; false when stdout fails.
bool Drain(int fd) {
  char buf[kReadChunk];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    std::cout.write(buf, n);
    std::cout.flush();
    if (!std::cout) return false;
  }
}

Result<int> RunLogs(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("logs needs exactly one CONTAINER");
  const std::string tail = ctx.args["tail"].as<std::string>();
  uint64_t lines = 0;
  if (tail != "all") {
    if (tail.empty() || tail.size() > 12 || tail.find_first_not_of("0123456789") != std::string::npos) {
      return UsageError("--tail takes a number of lines or all (got \"" + tail + "\")");
    }
    lines = std::stoull(tail);
  }
  HOIST_TRY_ASSIGN(FoundContainer found, FindContainerArg(ctx, ctx.positional[0]));
  container::ContainerStore containers(found.layout.paths());
  const std::string path = containers.LogFile(found.record.id);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT) return ErrnoError("open " + path, errno);
  if (fd < 0 && !found.record.detached) {
    // docker keeps the log of every run; hoist only of detached ones (an attached run printed it).
    return kExitOk;
  }
  const bool follow = ctx.args.count("follow") > 0;
  if (fd >= 0 && tail != "all") {
    off_t from = lines == 0 ? ::lseek(fd, 0, SEEK_END) : TailOffset(fd, lines);
    ::lseek(fd, from, SEEK_SET);
  }
  bool ok = fd < 0 || Drain(fd);
  while (ok && follow) {
    auto r = containers.Find(found.record.id);
    bool running = r.ok() && r->running();
    if (fd < 0) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) ok = Drain(fd);
    if (!running) break;  // drained once more after the end: nothing is lost
    std::this_thread::sleep_for(std::chrono::milliseconds(container::kPollMilliseconds));
  }
  if (fd >= 0) ::close(fd);
  return kExitOk;
}

}  // namespace

const CommandSpec& LogsCommand() {
  static const CommandSpec spec{
      "logs", {}, "Print a detached container's output", "CONTAINER",
      "Prints what a container started with `hoist run -d` or `hoist start` wrote to its standard\n"
      "output and error (one stream, in order; with -t the terminal's output), kept in the container's\n"
      "directory (container.log) until `hoist rm`. --tail N prints only the last N lines; -f keeps\n"
      "printing as the container writes, until it exits. A container run in the foreground printed its\n"
      "output there and has no log.",
      "  hoist logs web\n"
      "  hoist logs -f --tail 20 web\n"
      "  hoist container logs 3f2a9c1b7d0e",
      AddLogsOptions, RunLogs};
  return spec;
}

}  // namespace hoist::tools
