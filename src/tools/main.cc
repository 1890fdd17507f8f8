// hoist: dispatch to a subcommand, map its error to an exit code.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

#include "tools/cli.h"
#include "tools/command.h"

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("hoist");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::warn);

  std::vector<std::string> args(argv + 1, argv + argc);
  return hoist::tools::RunCli(args, std::cout, std::cerr);
}
