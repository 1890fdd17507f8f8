// What `hoist build` tells the user when it stops: Ctrl-C during a RUN exits 130 (not "RUN …
// failed with exit code 130", exit 1), and a FROM image the store lacks whose registry cannot be
// reached says both.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "integration/build_test_support.h"

using hoist::testing::BuildEnv;
using hoist::testing::Count;
using hoist::testing::kBuildBase;

#define REQUIRE_BUSYBOX(e)                         \
  if (!(e).ok) {                                   \
    WARN("busybox-static not installed: skipped"); \
    return;                                        \
  }

TEST_CASE("Ctrl-C during a RUN step stops the build with exit code 130") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  const std::string ctx = e.Context("ctx", {{"Dockerfile", std::string("FROM ") + kBuildBase +
                                                               "\nRUN echo started; busybox sleep 30\n"}});
  const std::string out = e.tmp / "build.out";
  std::vector<std::string> argv = {HOIST_BINARY, "build", "--no-cache", "-t", "localhost/test/never:1", ctx};
  std::vector<char*> cargs;
  for (auto& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  const std::string store = e.env[0];
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::setpgid(0, 0);  // its own process group, as a terminal's foreground job: Ctrl-C reaches every member
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::putenv(const_cast<char*>(store.c_str()));
    ::execv(cargs[0], cargs.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  bool started = false;
  for (int i = 0; i < 400 && !started; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    started = hoist::testing::ReadFile(out).find("started") != std::string::npos;
  }
  CHECK(started);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // into the sleep
  ::kill(-pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string text = hoist::testing::ReadFile(out);
  INFO(text);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(seconds < 25);
  CHECK_THAT(text, Catch::Contains("interrupted (Ctrl-C)"));
  CHECK(text.find("failed with exit code") == std::string::npos);
  CHECK(e.Hoist({"images"}).out.find("never") == std::string::npos);
}

TEST_CASE("a RUN that exits 130 by itself is an ordinary failure, not an interruption") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  const std::string ctx = e.Context("ctx", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\nRUN exit 130\n"}});
  auto r = e.Hoist({"build", ctx});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("failed with exit code 130"));
}

TEST_CASE("FROM an image the store lacks, from a registry that cannot be reached, says both in one line") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  const std::string ctx = e.Context("ctx", {{"Dockerfile", "FROM 127.0.0.1:1/library/busybox:1.53\nRUN true\n"}});
  auto r = e.Hoist({"build", ctx});
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.err, Catch::Contains("image 127.0.0.1:1/library/busybox:1.53 is not in the store and the registry "
                                    "127.0.0.1:1 could not be reached ("));
  CHECK(Count(r.err, "hoist: ") == 1);  // one error line (the step lines above it are progress)
}
