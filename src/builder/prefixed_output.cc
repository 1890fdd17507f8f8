#include "builder/prefixed_output.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace hoist::builder {

namespace {

void WriteAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the build's output is gone: nothing left to show it on
    done += static_cast<size_t>(n);
  }
}

// The relay's whole life: read lines from `in`, write them prefixed to `out`, exit at EOF.
[[noreturn]] void Relay(int vertex, int in, int out) {
  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  std::string pending;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    std::string lines;
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      lines += PrefixedOutput::Line(vertex, seconds(), pending.substr(start, nl - start));
    }
    pending.erase(0, start);
    WriteAll(out, lines);
  }
  if (!pending.empty()) WriteAll(out, PrefixedOutput::Line(vertex, seconds(), pending));
  ::_exit(0);
}

}  // namespace

std::string PrefixedOutput::Line(int vertex, double seconds, const std::string& text) {
  char time[32];
  std::snprintf(time, sizeof time, "%.3f", seconds);
  return "#" + std::to_string(vertex) + " " + time + " " + text + "\n";
}

Result<PrefixedOutput> PrefixedOutput::Start(int vertex, int out_fd) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoError("create the RUN output pipe", errno);
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return ErrnoError("start the RUN output relay", err);
  }
  if (pid == 0) {
    ::close(fds[1]);
    Relay(vertex, fds[0], out_fd);
  }
  ::close(fds[0]);
  return PrefixedOutput(fds[1], pid);
}

PrefixedOutput::PrefixedOutput(PrefixedOutput&& other) noexcept
    : write_fd_(other.write_fd_), relay_(other.relay_) {
  other.write_fd_ = -1;
  other.relay_ = -1;
}

PrefixedOutput::~PrefixedOutput() { Finish(); }

void PrefixedOutput::Finish() {
  if (write_fd_ >= 0) ::close(write_fd_);
  write_fd_ = -1;
  if (relay_ > 0) {
    while (::waitpid(relay_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  relay_ = -1;
}

}  // namespace hoist::builder
