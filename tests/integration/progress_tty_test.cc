// Progress on a terminal, checked in a pseudo-terminal: a pull draws docker's picture (a bar per
// blob, "Pull complete", a total line), redraws it in place with cursor movement while a blob is
// slow, and prints the final state once; with stderr not a terminal, plain lines and no escapes.
// The registry is a small fake whose second layer answers after a pause, so frames are drawn.

#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "core/descriptor.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "support/tiny_http_server.h"

using namespace hoist;
using namespace hoist::testing;

namespace {

// A read-only registry holding one image, app:1, with two layers; the second is slow.
class SlowRegistry {
 public:
  SlowRegistry()
      : config_(R"({"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:)" +
                Digest::Of(kFast).hex() + R"(","sha256:)" + Digest::Of(slow_).hex() + R"("]}})"),
        manifest_(std::string(kOciManifest), Descriptor::For(std::string(kOciConfig), config_),
                  {Descriptor::For(std::string(kOciLayerTar), kFast), Descriptor::For(std::string(kOciLayerTar), slow_)}),
        server_([this](const HttpExchange& ex) { return Serve(ex); }) {}

  std::string host() const { return "127.0.0.1:" + std::to_string(server_.port()); }

 private:
  static constexpr const char* kFast = "fast layer bytes";

  TinyResponse Serve(const HttpExchange& ex) {
    TinyResponse r;
    const std::string blobs = "/v2/app/blobs/";
    if (ex.target == "/v2/" || ex.target == "/v2") return r;
    if (ex.target == "/v2/app/manifests/1" || ex.target == "/v2/app/manifests/" + Digest::Of(manifest_.raw()).str()) {
      r.headers = {{"Content-Type", std::string(kOciManifest)},
                   {"Docker-Content-Digest", Digest::Of(manifest_.raw()).str()}};
      r.body = manifest_.raw();
      return r;
    }
    if (ex.target.rfind(blobs, 0) == 0) {
      const std::string digest = ex.target.substr(blobs.size());
      r.headers = {{"Content-Type", "application/octet-stream"}};
      if (digest == Digest::Of(config_).str()) r.body = config_;
      else if (digest == Digest::Of(kFast).str()) r.body = kFast;
      else if (digest == Digest::Of(slow_).str()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        r.body = slow_;
      } else r.status = 404;
      return r;
    }
    r.status = 404;
    return r;
  }

  const std::string slow_ = std::string(3'000'000, 's');
  const std::string config_;
  const Manifest manifest_;
  TinyHttpServer server_;
};

struct TtyRun {
  int exit_code = -1;
  std::string screen;  // everything written to the terminal
};

// Runs hoist with stderr (and stdout) on a 200x50 pseudo-terminal.
TtyRun RunOnTerminal(const std::vector<std::string>& args) {
  int master = -1, slave = -1;
  winsize ws{};
  ws.ws_col = 200;
  ws.ws_row = 50;
  REQUIRE(::openpty(&master, &slave, nullptr, nullptr, &ws) == 0);
  std::vector<std::string> argv = {HOIST_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (auto& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::setsid();
    ::dup2(slave, 1);
    ::dup2(slave, 2);
    ::close(master);
    ::close(slave);
    ::execv(cargs[0], cargs.data());
    ::_exit(127);
  }
  ::close(slave);
  TtyRun run;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(master, buf, sizeof buf);
    if (n > 0) {
      run.screen.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // EIO once the child's side is closed
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// ESC [ N A somewhere: the cursor moved up N lines.
bool HasCursorUp(const std::string& text) {
  for (size_t at = text.find("\x1b["); at != std::string::npos; at = text.find("\x1b[", at + 2)) {
    size_t i = at + 2;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i > at + 2 && i < text.size() && text[i] == 'A') return true;
  }
  return false;
}

}  // namespace

TEST_CASE("on a terminal a pull draws a bar per blob and a total line, redrawn in place, the end once") {
  SlowRegistry registry;
  TempDir dir;
  auto run = RunOnTerminal({"--store", dir / "store", "pull", "--insecure-registry", registry.host(),
                            registry.host() + "/app:1"});
  INFO(run.screen);
  CHECK(run.exit_code == 0);
  const std::string slow = Digest::Of(std::string(3'000'000, 's')).Short();
  // A frame while the slow layer was on its way: its bar, and the total with its count so far.
  CHECK_THAT(run.screen, Catch::Contains(slow + ": Downloading [>") && Catch::Contains("0B/3MB"));
  CHECK_THAT(run.screen, Catch::Contains("Total: 2/3 blobs"));
  // Redrawn in place: the cursor goes up over the live lines, each line is cleared first.
  CHECK_THAT(run.screen, Catch::Contains("\x1b[2K"));
  CHECK(HasCursorUp(run.screen));
  // The final state: every blob complete, the total printed once with the time it took.
  CHECK(Count(run.screen, slow + ": Pull complete") == 1);
  CHECK(Count(run.screen, "Total: 3/3 blobs  3MB/3MB in ") == 1);
  CHECK(run.screen.find("copied (") == std::string::npos);
}

TEST_CASE("with stderr not a terminal a pull prints plain lines without escapes") {
  SlowRegistry registry;
  TempDir dir;
  auto r = RunHoist({"--store", dir / "store", "pull", "--insecure-registry", registry.host(),
                     registry.host() + "/app:1"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find('\x1b') == std::string::npos);
  CHECK_THAT(r.err, Catch::Contains(": Pull complete (3MB)") && Catch::Contains("Total: 3/3 blobs  3MB/3MB in "));
}
