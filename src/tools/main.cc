// hoist: dispatch to a subcommand, map its error to an exit code.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <cstdio>
#include <iostream>

#include "tools/cli.h"
#include "tools/command.h"

namespace {

// Transfers allocate and free large buffers from many threads. glibc's defaults keep them resident
// (one arena per thread; a mmap threshold that rises after the first big free), which cost a pull
// about 5 MiB of peak RSS. A fixed threshold returns big buffers at free; two arenas are enough.
void KeepMemorySmall() {
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_ARENA_MAX, 2);
}

}  // namespace

int main(int argc, char** argv) {
  KeepMemorySmall();
  auto logger = spdlog::stderr_color_mt("hoist");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::warn);

  std::vector<std::string> args(argv + 1, argv + argc);
  return hoist::tools::RunCli(args, std::cout, std::cerr);
}
