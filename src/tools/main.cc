// hoist: dispatch to a subcommand, map its error to an exit code.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <new>

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

// One line for an exception nothing else caught (std::bad_alloc under `ulimit -v`, a failed thread start).
std::string DescribeException(std::exception_ptr e) {
  try {
    if (e) std::rethrow_exception(e);
  } catch (const std::bad_alloc&) {
    return "out of memory (std::bad_alloc): raise the memory limit (ulimit -v) or move less at once";
  } catch (const std::exception& ex) {
    return std::string("internal error: ") + ex.what();
  } catch (...) {
  }
  return "internal error: an unknown exception or std::terminate";
}

// Writes one line on stderr without allocating when the allocation fails: under `ulimit -v` even
// building the message can throw.
void WriteErrorLine(std::exception_ptr e) noexcept {
  try {
    std::string line = "hoist: " + DescribeException(e) + "\n";
    ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
  } catch (...) {
    static const char kOutOfMemory[] = "hoist: out of memory\n";
    ssize_t ignored = ::write(STDERR_FILENO, kOutOfMemory, sizeof kOutOfMemory - 1);
    (void)ignored;
  }
}

// An exception escaping a worker thread (or a noexcept function) calls std::terminate, whose default
// is abort(): a signal death. Print the same one line and exit 1 instead.
[[noreturn]] void OnTerminate() {
  WriteErrorLine(std::current_exception());
  std::_Exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  KeepMemorySmall();
  std::set_terminate(OnTerminate);
  try {
    auto logger = spdlog::stderr_color_mt("hoist");
    logger->set_pattern("%^%l%$: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::warn);

    std::vector<std::string> args(argv + 1, argv + argc);
    return hoist::tools::RunCli(args, std::cout, std::cerr);
  } catch (...) {
    // Commands report errors as Error; an exception here is a failure to allocate or a bug.
    WriteErrorLine(std::current_exception());
    return 1;
  }
}
