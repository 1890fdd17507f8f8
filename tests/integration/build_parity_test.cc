// `hoist build` as BuildKit does it (issue 21, builds): a base's ONBUILD triggers, --label,
// --annotation, --network and --pull.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>

#include "core/digest.h"
#include "integration/build_test_support.h"
#include "support/registry_fixture.h"

using hoist::testing::BuildEnv;
using hoist::testing::Count;
using hoist::testing::kBuildBase;
using hoist::testing::Registry;
using hoist::testing::RegistryVariant;

#define REQUIRE_BUSYBOX(e)                         \
  if (!(e).ok) {                                   \
    WARN("busybox-static not installed: skipped"); \
    return;                                        \
  }

TEST_CASE("a base's ONBUILD triggers run in the child build after FROM and are not passed on") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto base = e.Context("base", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\n"
                                                "ONBUILD COPY trigger.txt /from-child-context.txt\n"
                                                "ONBUILD RUN echo ran > /onbuild-ran\n"
                                                "RUN echo base > /base\n"}});
  e.Build(base, {"-t", "localhost/test/onbuild-base:1"});
  CHECK(e.Run("localhost/test/onbuild-base:1", "ls /onbuild-ran 2>/dev/null; cat /base") == "base\n");
  CHECK(e.Config("localhost/test/onbuild-base:1")["config"]["OnBuild"].size() == 2);

  auto child = e.Context("child", {{"Dockerfile", "FROM localhost/test/onbuild-base:1\nRUN echo child > /child\n"},
                                   {"trigger.txt", "from the child's context\n"}});
  auto built = e.Build(child, {"-t", "localhost/test/onbuild-child:1"});
  CHECK_THAT(built.err, Catch::Contains("ONBUILD COPY") || Catch::Contains("COPY trigger.txt"));
  CHECK(e.Run("localhost/test/onbuild-child:1", "cat /from-child-context.txt /onbuild-ran /child") ==
        "from the child's context\nran\nchild\n");
  auto config = e.Config("localhost/test/onbuild-child:1");
  CHECK_FALSE(config["config"].contains("OnBuild"));
  bool trigger_in_history = false;
  for (const auto& h : config["history"]) {
    if (h.value("created_by", "").find("echo ran > /onbuild-ran") != std::string::npos) trigger_in_history = true;
  }
  CHECK(trigger_in_history);
  // A grandchild runs nothing of the base's triggers.
  auto grandchild = e.Context("grandchild", {{"Dockerfile", "FROM localhost/test/onbuild-child:1\nRUN true\n"}});
  auto again = e.Build(grandchild, {"-t", "localhost/test/onbuild-grandchild:1"});
  CHECK(Count(again.err, "onbuild-ran") == 0);
}

TEST_CASE("a bad ONBUILD trigger in a base fails the child build naming the trigger") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto base = e.Context("base", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\nONBUILD RUN exit 3\n"}});
  e.Build(base, {"-t", "localhost/test/onbuild-bad:1"});
  auto child = e.Context("child", {{"Dockerfile", "FROM localhost/test/onbuild-bad:1\n"}});
  auto r = e.Hoist({"build", "-t", "localhost/test/onbuild-bad-child:1", child});
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Catch::Contains("ONBUILD of localhost/test/onbuild-bad:1 trigger 1"));
  CHECK(e.Hoist({"inspect", "localhost/test/onbuild-bad-child:1"}).exit_code != 0);
}

TEST_CASE("build --label and --annotation mark the final image and keep every step cached") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("labels", {{"Dockerfile", std::string("FROM ") + kBuildBase +
                                                     " AS first\nLABEL stage=first\nRUN echo a > /a\n"
                                                     "FROM first\nRUN echo b > /b\n"}});
  auto plain = e.Build(ctx, {"-t", "localhost/test/labels:1"});
  auto labelled = e.Build(ctx, {"-t", "localhost/test/labels:2", "--label", "org.opencontainers.image.version=1.2",
                                "--label", "empty", "--annotation", "org.example.note=hello",
                                "--annotation", "manifest:org.example.other=x"});
  CHECK(Count(labelled.err, " ---> CACHED") == 2);
  CHECK(labelled.out != plain.out);
  auto labels = e.Config("localhost/test/labels:2")["config"]["Labels"];
  CHECK(labels["org.opencontainers.image.version"] == "1.2");
  CHECK(labels["empty"] == "");
  CHECK(labels["stage"] == "first");
  auto manifest = e.Hoist({"inspect", "--raw", "localhost/test/labels:2"});
  REQUIRE(manifest.exit_code == 0);
  auto m = nlohmann::json::parse(manifest.out);
  CHECK(m["mediaType"] == "application/vnd.oci.image.manifest.v1+json");
  CHECK(m["annotations"]["org.example.note"] == "hello");
  CHECK(m["annotations"]["org.example.other"] == "x");
  CHECK(e.Run("localhost/test/labels:2", "cat /a /b") == "a\nb\n");

  for (const char* bad : {"=x", " spaced=1"}) {
    auto r = e.Hoist({"build", "--label", bad, ctx});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--label takes KEY=VALUE"));
  }
}

TEST_CASE("build --network none cuts RUN steps off the network unless a step says otherwise") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  // With no network namespace of its own, a step sees the host's interfaces; with none, only lo.
  auto ctx = e.Context("net", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\n"
                                              "RUN tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' > /none.txt\n"
                                              "RUN --network=host tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' > /host.txt\n"}});
  e.Build(ctx, {"--network", "none", "-t", "localhost/test/net:1"});
  CHECK(e.Run("localhost/test/net:1", "cat /none.txt") == "lo\n");
  // The host network's interfaces, as this test process sees them.
  auto host = hoist::testing::RunCommand({"sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"});
  REQUIRE(host.exit_code == 0);
  CHECK(e.Run("localhost/test/net:1", "cat /host.txt") == host.out);
  auto bad = e.Hoist({"build", "--network", "bridge", ctx});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--network takes default, host or none"));
}

TEST_CASE("build --pull fetches a FROM image the store has again, so a moved tag is seen") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  const std::string base = registry->host() + "/pull/base:1";
  // Version 1 of the base in the registry and the store.
  auto v1 = e.Context("v1", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\nRUN echo 1 > /version\n"}});
  e.Build(v1, {"-t", base, "--push"});
  auto ctx = e.Context("app", {{"Dockerfile", "FROM " + base + "\nRUN cat /version > /seen\n"}});
  e.Build(ctx, {"-t", "localhost/test/pull-app:1"});
  CHECK(e.Run("localhost/test/pull-app:1", "cat /seen") == "1\n");
  // Version 2 pushed from another store: this store still has version 1 under the tag.
  BuildEnv other;
  auto v2 = other.Context("v2", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\nRUN echo 2 > /version\n"}});
  other.Build(v2, {"-t", base, "--push"});
  e.Build(ctx, {"-t", "localhost/test/pull-app:2"});
  CHECK(e.Run("localhost/test/pull-app:2", "cat /seen") == "1\n");
  e.Build(ctx, {"--pull", "-t", "localhost/test/pull-app:3"});
  CHECK(e.Run("localhost/test/pull-app:3", "cat /seen") == "2\n");
  // --pull of a registry that cannot be reached fails the build.
  auto gone = e.Context("gone", {{"Dockerfile", "FROM 127.0.0.1:9/none/base:1\n"}});
  auto r = e.Hoist({"build", "--pull", gone});
  CHECK(r.exit_code != 0);
}

TEST_CASE("build --cache-to a registry and --cache-from it on a fresh store reuses every step") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  const std::string cache = registry->host() + "/cache/app:buildcache";
  const std::string files = std::string("FROM ") + kBuildBase + "\nRUN echo one > /one\nCOPY a.txt /a.txt\n"
                                                                  "RUN cat /a.txt /one > /both\n";
  auto ctx = e.Context("app", {{"Dockerfile", files}, {"a.txt", "a\n"}});
  auto first = e.Build(ctx, {"-t", "localhost/test/cached:1", "--cache-to", "type=registry,ref=" + cache});
  CHECK(Count(first.err, " ---> CACHED") == 0);
  auto inspected = hoist::testing::RunCommand({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + cache});
  if (inspected.exit_code == 0) {
    CHECK_THAT(inspected.out, Catch::Contains("application/vnd.hoist.build-cache.v1"));
  }

  // Another machine: a fresh store with the same base image (made from the same tar) and context.
  BuildEnv fresh;
  fresh.ImportBase(e.tmp / "rootfs.tar");
  auto ctx2 = fresh.Context("app", {{"Dockerfile", files}, {"a.txt", "a\n"}});
  auto reused = fresh.Build(ctx2, {"-t", "localhost/test/cached:1", "--cache-from", cache});
  CHECK_THAT(reused.err, Catch::Contains("Imported 3 cached steps"));
  CHECK(Count(reused.err, " ---> CACHED") == 3);
  CHECK(fresh.Run("localhost/test/cached:1", "cat /both") == "a\none\n");

  // A changed source file: the steps before its COPY come from the cache, the rest run.
  BuildEnv changed;
  changed.ImportBase(e.tmp / "rootfs.tar");
  auto ctx3 = changed.Context("app", {{"Dockerfile", files}, {"a.txt", "b\n"}});
  auto partial = changed.Build(ctx3, {"--cache-from", "docker://" + cache});
  CHECK(Count(partial.err, " ---> CACHED") == 1);

  // An OCI layout as the cache, and a cache that is missing (a warning, the build goes on).
  auto local = e.Build(ctx, {"--cache-to", "type=local,dest=" + e.tmp / "cachedir"});
  BuildEnv third;
  third.ImportBase(e.tmp / "rootfs.tar");
  auto ctx4 = third.Context("app", {{"Dockerfile", files}, {"a.txt", "a\n"}});
  auto from_dir = third.Build(ctx4, {"--cache-from", "type=local,src=" + e.tmp / "cachedir",
                                     "--cache-from", registry->host() + "/cache/none:missing"});
  CHECK(Count(from_dir.err, " ---> CACHED") == 3);
  CHECK_THAT(from_dir.err, Catch::Contains("[Warning] --cache-from"));
}

TEST_CASE("build --cache-from of something that is not a cache warns and builds, bad values exit 2") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("app", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\nRUN true\n"}});
  // An image is not a cache.
  REQUIRE(e.Hoist({"copy", kBuildBase, "oci:" + e.tmp / "image" + ":1"}).exit_code == 0);
  auto r = e.Build(ctx, {"--cache-from", "oci:" + e.tmp / "image" + ":1"});
  CHECK_THAT(r.err, Catch::Contains("is not a hoist build cache"));
  for (const std::string bad : {"type=gha", "type=registry", "type=local,dest=x", "type=registry,ref=a,mode=all",
                                "type=registry,ref=a,foo=1", "type=local", "docker-archive:x.tar"}) {
    auto b = e.Hoist({"build", "--cache-from", bad, ctx});
    INFO(bad << ": " << b.err);
    CHECK(b.exit_code == 2);
    CHECK_THAT(b.err, Catch::Contains("--cache-from"));
  }
}

namespace {

// A `git daemon` serving the repositories under `base` on 127.0.0.1, stopped when it goes away.
class GitDaemon {
 public:
  explicit GitDaemon(const std::string& base) {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    ::close(s);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      const std::string port = "--port=" + std::to_string(port_), base_path = "--base-path=" + base;
      ::execlp("git", "git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", port.c_str(),
               base_path.c_str(), base.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 100; ++i) {  // up to 5 s for it to listen
      int c = ::socket(AF_INET, SOCK_STREAM, 0);
      bool up = ::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
      ::close(c);
      if (up) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("git daemon did not start");
  }
  ~GitDaemon() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::string url(const std::string& repo) const { return "git://127.0.0.1:" + std::to_string(port_) + "/" + repo; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

void Git(const std::string& repo, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"});
  auto r = hoist::testing::RunCommand(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("ADD of a git repository checks out the ref, keyed by its commit, .git only with --keep-git-dir") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  if (hoist::testing::RunCommand({"git", "--version"}).exit_code != 0) {
    WARN("git not installed: skipped");
    return;
  }
  const std::string repo = e.tmp / "repos/app.git";
  std::filesystem::create_directories(repo);
  Git(repo, {"init", "-q", "-b", "main"});
  hoist::testing::WriteFile(repo + "/README", "v1\n");
  std::filesystem::create_directories(repo + "/sub");
  hoist::testing::WriteFile(repo + "/sub/inner.txt", "inner\n");
  Git(repo, {"add", "."});
  Git(repo, {"commit", "-q", "-m", "one"});
  Git(repo, {"tag", "v1"});
  hoist::testing::WriteFile(repo + "/README", "v2\n");
  Git(repo, {"commit", "-q", "-am", "two"});
  GitDaemon daemon(e.tmp / "repos");
  const std::string url = daemon.url("app.git");

  auto ctx = e.Context("git", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\n"
                                              "ADD " + url + "#v1 /tag/\n"
                                              "ADD --keep-git-dir " + url + "#v1 /kept/\n"
                                              "ADD " + url + " /head/\n"
                                              "ADD " + url + "#main:sub /sub/\n"}});
  auto built = e.Build(ctx, {"-t", "localhost/test/git:1"});
  CHECK(e.Run("localhost/test/git:1", "cat /head/README /tag/README /sub/inner.txt; ls /sub") ==
        "v2\nv1\ninner\ninner.txt\n");
  CHECK(e.Run("localhost/test/git:1", "ls -a /head | grep -c '^.git$'; test -d /kept/.git && echo kept") == "0\nkept\n");
  // Unchanged: every ADD is cached. A new commit on main: the steps tracking main run again.
  auto again = e.Build(ctx, {"-t", "localhost/test/git:1"});
  CHECK(Count(again.err, " ---> CACHED") == 4);
  hoist::testing::WriteFile(repo + "/README", "v3\n");
  Git(repo, {"commit", "-q", "-am", "three"});
  auto moved = e.Build(ctx, {"-t", "localhost/test/git:2"});
  CHECK(Count(moved.err, " ---> CACHED") == 2);  // the two ADDs of #v1; HEAD moved, and the step after it
  CHECK(e.Run("localhost/test/git:2", "cat /head/README") == "v3\n");

  // A ref that does not exist, an unreachable repository, COPY of a repository.
  for (const auto& [line, says] : std::vector<std::pair<std::string, std::string>>{
           {"ADD " + url + "#nope /x/", "no branch, tag or commit \"nope\""},
           {"ADD git://127.0.0.1:9/none.git /x/", "cloning git://127.0.0.1:9/none.git"},
           {"COPY " + url + " /x/", "COPY cannot take a git repository"}}) {
    auto bad = e.Context("bad", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\n" + line + "\n"}});
    auto r = e.Hoist({"build", bad});
    INFO(line << ": " << r.err);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains(says) && Catch::Contains("Dockerfile:2"));
  }
}

TEST_CASE("RUN --mount: cache survives builds, secrets never reach the image, binds read the context or a stage") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  hoist::testing::WriteFile(e.tmp / "token.txt", "s3cret-value");  // as written: an env secret keeps a newline
  // The Dockerfile names the secret only by its hash, so finding its text anywhere is a leak.
  const std::string hash = hoist::Digest::Of("s3cret-value").hex() + "  -";
  auto ctx = e.Context("mounts", {{"Dockerfile", std::string("FROM ") + kBuildBase + " AS tools\n"
                                                 "RUN mkdir /out && echo from-stage > /out/tool\n"
                                                 "FROM " + kBuildBase + "\n"
                                                 "ARG RUNS=1\n"
                                                 "RUN --mount=type=cache,target=/var/cache/app "
                                                 "echo run >> /var/cache/app/log; wc -l < /var/cache/app/log > /count\n"
                                                 "RUN --mount=type=secret,id=token,required "
                                                 "test \"$(sha256sum < /run/secrets/token)\" = '" + hash + "' && echo ok > /secret-ok\n"
                                                 "RUN --mount=type=secret,id=token,env=TOKEN,target=/t "
                                                 "test \"$(printf %s \"$TOKEN\" | sha256sum)\" = '" + hash + "'\n"
                                                 "RUN --mount=type=bind,source=data,target=/data cat /data/in.txt > /copied\n"
                                                 "RUN --mount=from=tools,source=/out,target=/tools cat /tools/tool > /tool\n"
                                                 "RUN --mount=type=tmpfs,target=/scratch echo x > /scratch/x && "
                                                 "grep -q ' /scratch tmpfs' /proc/mounts\n"},
                                  {"data/in.txt", "context file\n"}});
  const std::vector<std::string> secret = {"--secret", "id=token,src=" + e.tmp / "token.txt"};
  std::vector<std::string> args = {"-t", "localhost/test/mounts:1"};
  args.insert(args.end(), secret.begin(), secret.end());
  auto built = e.Build(ctx, args);
  CHECK(e.Run("localhost/test/mounts:1", "cat /count /secret-ok /copied /tool") == "1\nok\ncontext file\nfrom-stage\n");
  // Nothing of the mounts is in the image: no cache contents, no secret file, no mount points.
  CHECK(e.Run("localhost/test/mounts:1", "ls /var/cache/app /run/secrets /data /tools /scratch /t 2>&1 | grep -c 'No such'") ==
        "6\n");
  auto config = e.Config("localhost/test/mounts:1");
  CHECK_THAT(config.dump(), !Catch::Contains("s3cret"));
  CHECK_THAT(config.dump(), Catch::Contains("--mount=type=secret,id=token,required"));
  auto saved = e.Hoist({"save", "-o", e.tmp / "mounts.tar", "localhost/test/mounts:1"});
  REQUIRE(saved.exit_code == 0);
  auto grep = hoist::testing::RunCommand({"sh", "-c", "tar -xOf " + e.tmp / "mounts.tar" + " | zcat -f | grep -c s3cret-value"});
  CHECK(grep.out == "0\n");

  // The cache mount keeps its files: a rebuild whose step runs again sees the first run's line.
  auto again = e.Build(ctx, {"--no-cache", "-t", "localhost/test/mounts:2", "--secret", "id=token,src=" + e.tmp / "token.txt"});
  CHECK(e.Run("localhost/test/mounts:2", "cat /count") == "2\n");
  // A changed secret does not invalidate the cache; a changed bind source does.
  hoist::testing::WriteFile(e.tmp / "token.txt", "s3cret-value");
  auto cached = e.Build(ctx, args);
  CHECK(Count(cached.err, " ---> CACHED") == 7);
  hoist::testing::WriteFile(ctx + "/data/in.txt", "changed\n");
  auto rebound = e.Build(ctx, args);
  CHECK(Count(rebound.err, " ---> CACHED") == 4);

  // A required secret that was not given fails naming it; a bad spec names its attribute.
  auto missing = e.Hoist({"build", "--no-cache", ctx});
  CHECK(missing.exit_code != 0);
  CHECK_THAT(missing.err, Catch::Contains("no secret \"token\" was given"));
  auto bad = e.Context("bad", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\nRUN --mount=type=volume,target=/x true\n"}});
  auto refused = e.Hoist({"build", bad});
  CHECK(refused.exit_code != 0);
  CHECK_THAT(refused.err, Catch::Contains("Dockerfile:2") && Catch::Contains("type must be"));
  auto escape = e.Context("escape", {{"Dockerfile", std::string("FROM ") + kBuildBase +
                                                        "\nRUN --mount=source=link,target=/x cat /x/passwd\n"}});
  REQUIRE(::symlink("/etc", (escape + "/link").c_str()) == 0);
  auto escaped = e.Hoist({"build", escape});
  CHECK(escaped.exit_code != 0);
}
