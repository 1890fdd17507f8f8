// `hoist build` end to end over a busybox-static base made by the tests (no network): every
// instruction, multi-stage builds, ARG/ENV scoping, .dockerignore, heredocs, the cache, reproducible
// digests and failures; each result checked by running it and by its config.

#include <catch2/catch.hpp>

#include "integration/build_test_support.h"

using hoist::testing::BuildEnv;
using hoist::testing::Count;
using hoist::testing::kBuildBase;
using hoist::testing::ReadFile;
using hoist::testing::WriteFile;

#define REQUIRE_BUSYBOX(e)                         \
  if (!(e).ok) {                                   \
    WARN("busybox-static not installed: skipped"); \
    return;                                        \
  }

TEST_CASE("the seed example shape builds, runs and has docker's config") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("app", {{"Dockerfile",
                                std::string("FROM ") + kBuildBase + "\n"
                                "WORKDIR /app\n"
                                "COPY package*.json ./\n"
                                "RUN echo installed $(cat package.json) > node_modules.txt\n"
                                "COPY . .\n"
                                "EXPOSE 3000\n"
                                "CMD [\"cat\", \"/app/server.js\"]\n"},
                               {"package.json", "{\"name\":\"demo\"}"},
                               {"package-lock.json", "{}"},
                               {"server.js", "console.log('hi')\n"}});
  auto built = e.Build(ctx, {"-t", "localhost/test/app:1"});
  CHECK_THAT(built.err, Catch::Contains("Step 1/7 : FROM"));
  CHECK_THAT(built.err, Catch::Contains("Step 4/7 : RUN echo installed"));
  CHECK_THAT(built.out, Catch::StartsWith("sha256:"));

  auto run = e.Hoist({"run", "--rm", "localhost/test/app:1"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "console.log('hi')\n");
  CHECK(e.Run("localhost/test/app:1", "cat node_modules.txt; pwd") == "installed {\"name\":\"demo\"}\n/app\n");

  auto config = e.Config("localhost/test/app:1");
  CHECK(config["config"]["WorkingDir"] == "/app");
  CHECK(config["config"]["ExposedPorts"].contains("3000/tcp"));
  CHECK(config["config"]["Cmd"] == nlohmann::json({"cat", "/app/server.js"}));
  const auto& history = config["history"];
  REQUIRE(history.size() >= 6);
  std::vector<std::string> created_by;
  for (const auto& h : history) created_by.push_back(h.value("created_by", ""));
  CHECK(std::count(created_by.begin(), created_by.end(), "COPY . . # buildkit") == 1);
  CHECK(std::count(created_by.begin(), created_by.end(), "EXPOSE map[3000/tcp:{}]") == 1);
  CHECK(history.back()["created_by"] == "CMD [\"cat\" \"/app/server.js\"]");
  CHECK(history.back()["empty_layer"] == true);

  SECTION("a rebuild with no change is all CACHED; one changed file rebuilds from its COPY") {
    auto again = e.Build(ctx, {"-t", "localhost/test/app:1"});
    CHECK(Count(again.err, " ---> CACHED") == 4);  // WORKDIR, COPY, RUN, COPY
    CHECK(again.out == built.out);                 // the same image ID
    WriteFile(ctx + "/server.js", "console.log('changed')\n");
    auto changed = e.Build(ctx, {"-t", "localhost/test/app:1"});
    CHECK(Count(changed.err, " ---> CACHED") == 3);
    CHECK(changed.out != built.out);
    CHECK(e.Hoist({"run", "--rm", "localhost/test/app:1"}).out == "console.log('changed')\n");
    auto no_cache = e.Build(ctx, {"--no-cache", "-q"});
    CHECK(no_cache.err.empty());
    CHECK(Count(no_cache.out, "\n") == 1);
  }
}

TEST_CASE("config instructions land in the image config") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("cfg", {{"Dockerfile",
                                std::string("FROM ") + kBuildBase + "\n"
                                "MAINTAINER Ann <ann@example.com>\n"
                                "ENV GREETING=hello NAME=\"the world\"\n"
                                "LABEL org.example.version=1 description=\"a test\"\n"
                                "EXPOSE 80/udp 8000-8001\n"
                                "VOLUME [\"/data\"]\n"
                                "USER app\n"
                                "STOPSIGNAL SIGINT\n"
                                "HEALTHCHECK --interval=30s --retries=2 CMD cat /etc/passwd\n"
                                "ONBUILD RUN echo child\n"
                                "SHELL [\"/bin/sh\", \"-e\", \"-c\"]\n"
                                "ENTRYPOINT [\"/bin/sh\", \"-c\"]\n"
                                "CMD echo $GREETING $NAME from $(id -u)\n"}});
  e.Build(ctx, {"-t", "localhost/test/cfg:1"});
  auto c = e.Config("localhost/test/cfg:1")["config"];
  CHECK(c["Env"].dump().find("GREETING=hello") != std::string::npos);
  CHECK(c["Env"].dump().find("NAME=the world") != std::string::npos);
  CHECK(c["Labels"]["org.example.version"] == "1");
  CHECK(c["Labels"]["description"] == "a test");
  CHECK(c["Labels"]["maintainer"] == "Ann <ann@example.com>");
  CHECK(c["ExposedPorts"].contains("80/udp"));
  CHECK(c["ExposedPorts"].contains("8001/tcp"));
  CHECK(c["Volumes"].contains("/data"));
  CHECK(c["User"] == "app");
  CHECK(c["StopSignal"] == "SIGINT");
  CHECK(c["Healthcheck"]["Test"] == nlohmann::json({"CMD-SHELL", "cat /etc/passwd"}));
  CHECK(c["Healthcheck"]["Interval"] == 30000000000LL);
  CHECK(c["Healthcheck"]["Retries"] == 2);
  CHECK(c["OnBuild"] == nlohmann::json({"RUN echo child"}));
  CHECK(c["Shell"] == nlohmann::json({"/bin/sh", "-e", "-c"}));
  CHECK(c["Entrypoint"] == nlohmann::json({"/bin/sh", "-c"}));
  CHECK(c["Cmd"] == nlohmann::json({"/bin/sh", "-e", "-c", "echo $GREETING $NAME from $(id -u)"}));
  auto run = e.Hoist({"run", "--rm", "localhost/test/cfg:1"});
  CHECK(run.exit_code == 0);
}

TEST_CASE("ARG and ENV scoping: globals in FROM, re-declared in stages, --build-arg, ENV wins") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("args", {{"Dockerfile",
                                 "ARG BASE=" + std::string(kBuildBase) + "\n"
                                 "ARG VERSION=1.0\n"
                                 "FROM ${BASE}\n"
                                 "RUN echo \"version=[$VERSION]\" > /before\n"
                                 "ARG VERSION\n"
                                 "ARG MODE=debug\n"
                                 "ENV LEVEL=${MODE}-env\n"
                                 "ARG LEVEL=from-arg\n"
                                 "RUN echo \"version=$VERSION mode=$MODE level=$LEVEL\" > /after\n"
                                 "WORKDIR /w/$MODE\n"
                                 "RUN --network=none echo offline\n"}});
  e.Build(ctx, {"-t", "localhost/test/args:1", "--build-arg", "MODE=release", "--build-arg", "SPARE=1"});
  CHECK(e.Run("localhost/test/args:1", "cat /before /after; pwd") ==
        "version=[]\nversion=1.0 mode=release level=release-env\n/w/release\n");
  auto config = e.Config("localhost/test/args:1");
  CHECK(config["config"]["Env"].dump().find("MODE") == std::string::npos);  // ARGs never enter the config
  bool run_with_args = false;
  for (const auto& h : config["history"]) {
    if (h.value("created_by", "").rfind("RUN |2 VERSION=1.0 MODE=release /bin/sh -c", 0) == 0) run_with_args = true;
  }
  CHECK(run_with_args);
}

TEST_CASE("multi-stage: COPY --from a stage by name and index, --target, unneeded stages skipped") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("multi", {{"Dockerfile",
                                  std::string("FROM ") + kBuildBase + " AS build\n"
                                  "RUN mkdir -p /out && echo built > /out/artifact && ln -s artifact /out/link\n"
                                  "FROM " + kBuildBase + " AS never\n"
                                  "RUN exit 3\n"
                                  "FROM scratch AS final\n"
                                  "COPY --from=build /out /app/\n"
                                  "COPY --from=0 /bin/busybox /bin/busybox\n"
                                  "COPY --from=" + kBuildBase + " /bin/sh /bin/cat /bin/\n"
                                  "CMD [\"/bin/busybox\", \"cat\", \"/app/artifact\"]\n"}});
  auto built = e.Build(ctx, {"-t", "localhost/test/multi:1"});
  CHECK(built.err.find("exit 3") == std::string::npos);
  auto run = e.Hoist({"run", "--rm", "localhost/test/multi:1"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "built\n");
  CHECK(e.Run("localhost/test/multi:1", "cat /app/link; ls /bin") == "built\nbusybox\ncat\nsh\n");

  auto target = e.Build(ctx, {"--target", "build", "-t", "localhost/test/multi:build"});
  CHECK(Count(target.err, "Step ") == 2);
  CHECK(e.Run("localhost/test/multi:build", "cat /out/artifact") == "built\n");
}

TEST_CASE(".dockerignore hides files from COPY, with ! exceptions") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("ignore", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\nCOPY . /ctx/\n"},
                                  {".dockerignore", "*.log\nsecrets/\nbuild/**\n!build/keep.txt\n"},
                                  {"app.txt", "app"},
                                  {"debug.log", "noise"},
                                  {"secrets/key", "k"},
                                  {"build/tmp.o", "o"},
                                  {"build/keep.txt", "keep"}});
  e.Build(ctx, {"-t", "localhost/test/ignore:1"});
  CHECK(e.Run("localhost/test/ignore:1", "cd /ctx && find . -type f | sort") ==
        "./.dockerignore\n./Dockerfile\n./app.txt\n./build/keep.txt\n");
  WriteFile(ctx + "/debug.log", "more noise");  // an ignored file changes nothing
  auto again = e.Build(ctx, {"-t", "localhost/test/ignore:1"});
  CHECK(Count(again.err, " ---> CACHED") == 1);
}

TEST_CASE("heredocs for RUN and COPY, and ADD unpacking a local archive") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("heredoc", {{"Dockerfile",
                                    std::string("FROM ") + kBuildBase + "\n"
                                    "ARG WHO=builder\n"
                                    "RUN <<EOF\n"
                                    "echo one > /script.txt\n"
                                    "echo two >> /script.txt\n"
                                    "EOF\n"
                                    "COPY <<EOF /etc/greeting\n"
                                    "\"hello ${WHO}\" 'quoted'\n"
                                    "EOF\n"
                                    "ADD files.tar.gz /unpacked/\n"
                                    "ADD --chmod=0600 plain.txt /plain.txt\n"
                                    "COPY --chown=app:staff plain.txt /owned.txt\n"
                                    "USER app\n"
                                    "RUN echo \"uid=$(id -u)\"\n"},
                                   {"plain.txt", "plain"},
                                   {"tree/a/b.txt", "inside the archive\n"}});
  REQUIRE(hoist::testing::RunCommand({"tar", "-C", ctx + "/tree", "-czf", ctx + "/files.tar.gz", "a"}).exit_code == 0);
  auto built = e.Build(ctx, {"-t", "localhost/test/heredoc:1"});
  CHECK_THAT(built.err, Catch::Contains("uid=1000"));
  CHECK(e.Run("localhost/test/heredoc:1", "cat /script.txt /etc/greeting /unpacked/a/b.txt; stat -c %a /plain.txt; "
                                          "stat -c %u:%g /owned.txt") ==
        "one\ntwo\n\"hello builder\" 'quoted'\ninside the archive\n600\n1000:50\n");
}

TEST_CASE("a tar context on stdin and -f for another Dockerfile") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("stdin", {{"docker/Build.file", std::string("FROM ") + kBuildBase + "\nCOPY msg /msg\n"},
                                 {"msg", "from the tar\n"}});
  auto tar = hoist::testing::RunCommand({"tar", "-C", ctx, "-cf", e.tmp / "ctx.tar", "."});
  REQUIRE(tar.exit_code == 0);
  auto r = e.Hoist({"build", "-f", "docker/Build.file", "-t", "localhost/test/stdin:1", "-"}, {},
                   ReadFile(e.tmp / "ctx.tar"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(e.Run("localhost/test/stdin:1", "cat /msg") == "from the tar\n");
  e.Build(ctx, {"-f", ctx + "/docker/Build.file", "-t", "localhost/test/stdin:2"});
  CHECK(e.Run("localhost/test/stdin:2", "cat /msg") == "from the tar\n");
}

TEST_CASE("SOURCE_DATE_EPOCH builds in different directories give the same digest") {
  BuildEnv a, b;
  REQUIRE_BUSYBOX(a);
  const std::string dockerfile = std::string("FROM ") + kBuildBase +
                                 "\nWORKDIR /app\nCOPY . .\nRUN echo built > /made && mkdir -p /var/cache/x\nCMD [\"cat\", \"/made\"]\n";
  auto ctx_a = a.Context("one", {{"Dockerfile", dockerfile}, {"src/x.txt", "x"}});
  sleep(1);  // a later second: file and directory times differ between the two contexts
  b.ImportBase(a.tmp / "rootfs.tar");  // the same base image in both stores
  auto ctx_b = b.Context("two", {{"Dockerfile", dockerfile}, {"src/x.txt", "x"}});
  std::vector<std::string> epoch = {"SOURCE_DATE_EPOCH=1700000000"};
  auto ra = a.Build(ctx_a, {"-q", "--iidfile", a.tmp / "id"}, epoch);
  auto rb = b.Build(ctx_b, {"-q", "--format", "json"}, epoch);
  auto jb = nlohmann::json::parse(rb.out);
  CHECK(ReadFile(a.tmp / "id") == jb["Id"].get<std::string>());
  CHECK(ra.out == jb["Id"].get<std::string>() + "\n");
  auto rc = b.Build(ctx_b, {"-q", "--format", "json", "--timestamp", "1700000001"});
  CHECK(nlohmann::json::parse(rc.out)["Id"] != jb["Id"]);
}

TEST_CASE("bad Dockerfiles fail with file:line and leave no name") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  const std::string from = std::string("FROM ") + kBuildBase + "\n";
  struct Case {
    const char* what;
    std::string dockerfile;
    const char* message;
  };
  std::vector<Case> cases = {
      {"unknown instruction", from + "FROBNICATE x\n", "Dockerfile:2"},
      {"unterminated quote", from + "RUN echo \"oops\nENV A=\"b\n", "Dockerfile:"},
      {"unterminated heredoc", from + "RUN <<EOF\necho never ends\n", "Dockerfile:2"},
      {"missing stage", from + "COPY --from=builder /x /x\n", "Dockerfile:2"},
      {"source outside via ..", from + "COPY ../secret /x\n", "Dockerfile:2"},
      {"source outside via symlink", from + "COPY leak /x\n", "Dockerfile:2"},
      {"failing RUN", from + "RUN echo partial > /p\nRUN exit 7\n", "Dockerfile:3"},
      {"COPY from a URL", from + "COPY https://example.com/x.tar.gz /x\n", "Dockerfile:2"},
      {"other platform", "FROM --platform=linux/s390x " + std::string(kBuildBase) + "\n", "Dockerfile:1"},
  };
  WriteFile(e.tmp / "secret", "s");
  for (const auto& c : cases) {
    INFO(c.what);
    auto ctx = e.Context("bad", {{"Dockerfile", c.dockerfile}});
    ::unlink((ctx + "/leak").c_str());
    REQUIRE(::symlink("../secret", (ctx + "/leak").c_str()) == 0);
    auto r = e.Hoist({"build", "-t", "localhost/test/bad:1", ctx});
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    if (std::string(c.what) == "failing RUN") CHECK_THAT(r.err, Catch::Contains("exit code 7"));
    CHECK(e.Hoist({"inspect", "localhost/test/bad:1"}).exit_code == 3);
  }
}
