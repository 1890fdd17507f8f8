// Containers as docker users run them (issue 21): `hoist run`'s mount, env, hostname, read-only,
// init and terminal flags, detached containers with logs, exec, diff, commit, inspect, stop, start,
// kill and wait, and named volumes. Images come from Debian's busybox-static (build_test_support.h).

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/build_test_support.h"

using hoist::testing::BuildEnv;
using hoist::testing::CommandResult;
using hoist::testing::kBuildBase;
using hoist::testing::RunCommand;
using hoist::testing::WriteFile;

namespace {

#define REQUIRE_ROOT_BUSYBOX(e)                     \
  if (!(e).ok || ::geteuid() != 0) {                \
    WARN("needs root and busybox-static: skipped"); \
    return;                                         \
  }

CommandResult Ok(const BuildEnv& e, const std::vector<std::string>& args) {
  auto r = e.Hoist(args);
  INFO(args[0] << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

// The container's log once it holds `text` (a detached command writes when it gets to it).
std::string LogsWith(const BuildEnv& e, const std::string& name, const std::string& text) {
  std::string out;
  for (int i = 0; i < 100; ++i) {
    out = Ok(e, {"logs", name}).out;
    if (out.find(text) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return out;
}

}  // namespace

TEST_CASE("run: -v binds a host directory (read-only with :ro), after the verb -v is not --verbose") {
  BuildEnv e;
  REQUIRE_ROOT_BUSYBOX(e);
  const std::string host = e.Context("host", {{"in.txt", "from the host\n"}});
  auto cat = e.Hoist({"run", "--rm", "-v", host + ":/host", kBuildBase, "sh", "-c", "cat /host/in.txt; echo out > /host/out.txt"});
  INFO(cat.err);
  CHECK(cat.exit_code == 0);
  CHECK(cat.out == "from the host\n");
  CHECK(RunCommand({"cat", host + "/out.txt"}).out == "out\n");
  auto ro = e.Hoist({"run", "--rm", "--volume", host + ":/host:ro", kBuildBase, "touch", "/host/x"});
  CHECK(ro.exit_code != 0);
  CHECK(::access((host + "/x").c_str(), F_OK) != 0);
  auto bind = e.Hoist({"run", "--rm", "--mount", "type=bind,source=" + host + ",target=/m,readonly", kBuildBase,
                       "cat", "/m/in.txt"});
  CHECK(bind.out == "from the host\n");
  auto missing = e.Hoist({"run", "--rm", "--mount", "type=bind,source=" + host + "/nope,target=/m", kBuildBase, "true"});
  CHECK(missing.exit_code == 3);
  CHECK_THAT(missing.err, Catch::Contains("does not exist"));
  // Before the verb -v is still the global --verbose.
  CHECK(e.Hoist({"-v", "run", "--rm", kBuildBase, "echo"}).exit_code == 0);
}

TEST_CASE("run: env-file, hostname, entrypoint, tmpfs, read-only root, and the command as PID 1 unless --init") {
  BuildEnv e;
  REQUIRE_ROOT_BUSYBOX(e);
  const std::string dir = e.Context("envs", {{"app.env", "# settings\nMODE=test\n\nLIST=a,b\n"}});
  auto env = e.Hoist({"run", "--rm", "--env-file", dir + "/app.env", "-e", "MODE=override", "--hostname", "box",
                      kBuildBase, "sh", "-c", "echo $MODE $LIST $(hostname)"});
  INFO(env.err);
  CHECK(env.out == "override a,b box\n");
  CHECK(Ok(e, {"run", "--rm", "--entrypoint", "echo", kBuildBase, "hi"}).out == "hi\n");
  CHECK(Ok(e, {"run", "--rm", kBuildBase, "sh", "-c", "echo $$"}).out == "1\n");
  CHECK(Ok(e, {"run", "--rm", "--init", kBuildBase, "sh", "-c", "echo $$"}).out != "1\n");
  CHECK(e.Hoist({"run", "--rm", "--init", kBuildBase, "sh", "-c", "kill -TERM $$"}).exit_code == 143);
  CHECK(e.Hoist({"run", "--rm", "--read-only", kBuildBase, "touch", "/x"}).exit_code != 0);
  auto tmpfs = e.Hoist({"run", "--rm", "--read-only", "--mount", "type=tmpfs,target=/scratch", "--tmpfs", "/t",
                        kBuildBase, "sh", "-c", "touch /scratch/a /t/b && busybox grep -c '^tmpfs /scratch\\|^tmpfs /t ' /proc/mounts"});
  INFO(tmpfs.err);
  CHECK(tmpfs.out == "2\n");
}

TEST_CASE("run -t gives the command a pseudo-terminal of the container's own") {
  BuildEnv e;
  REQUIRE_ROOT_BUSYBOX(e);
  auto t = e.Hoist({"run", "--rm", "-t", kBuildBase, "busybox", "tty"});
  INFO(t.err);
  CHECK(t.exit_code == 0);
  CHECK(t.out == "/dev/pts/0\r\n");
  CHECK(Ok(e, {"run", "--rm", kBuildBase, "sh", "-c", "busybox tty || true"}).out == "not a tty\n");
  if (::access("/usr/bin/script", X_OK) != 0) return;
  // -it under a terminal: `script` gives hoist one, and our input reaches the command through it.
  std::string cmd = std::string(HOIST_BINARY) + " run --rm -it " + kBuildBase + " sh -c 'busybox tty; read x; echo got:$x'";
  auto it = RunCommand({"script", "-qec", cmd, "/dev/null"}, e.env, "hello\n");
  INFO(it.err);
  CHECK(it.exit_code == 0);
  CHECK_THAT(it.out, Catch::Contains("/dev/pts/0") && Catch::Contains("got:hello"));
  CHECK(e.Hoist({"run", "--rm", "-it", kBuildBase, "true"}).exit_code == 2);  // no terminal on stdin
}

TEST_CASE("detached containers: run -d, ps, logs, exec, diff, commit while running, inspect, stop, wait, start, kill") {
  BuildEnv e;
  REQUIRE_ROOT_BUSYBOX(e);
  auto run = Ok(e, {"run", "-d", "--name", "web", kBuildBase, "sh", "-c",
                    "echo started; trap 'echo bye; exit 3' TERM; while true; do busybox sleep 0.1; done"});
  REQUIRE(run.out.size() == 65);
  CHECK_THAT(LogsWith(e, "web", "started"), Catch::Contains("started"));
  CHECK_THAT(Ok(e, {"ps", "--format", "{{.Names}} {{.Status}}"}).out, Catch::StartsWith("web Up "));

  // In the container's namespaces: its host name, its PID 1, its /proc.
  CHECK(Ok(e, {"exec", "web", "sh", "-c", "hostname; busybox cat /proc/1/cmdline | busybox tr '\\0' ' '"}).out ==
        run.out.substr(0, 12) + "\nsh -c echo started; trap 'echo bye; exit 3' TERM; while true; do busybox sleep 0.1; done ");
  auto t = e.Hoist({"exec", "-t", "web", "busybox", "tty"});
  CHECK(t.out == "/dev/pts/0\r\n");
  CHECK(e.Hoist({"exec", "web", "no-such-command"}).exit_code == 127);
  Ok(e, {"exec", "-e", "F=/added", "web", "sh", "-c", "echo x > $F; rm /bin/vi"});
  CHECK(Ok(e, {"diff", "web"}).out == "A /added\nC /bin\nD /bin/vi\n");

  Ok(e, {"commit", "web", "localhost/test/web:2"});  // paused (frozen) while read, running again after
  Ok(e, {"commit", "--pause=false", "web", "localhost/test/web:3"});
  CHECK(Ok(e, {"exec", "web", "echo", "alive"}).out == "alive\n");
  CHECK(Ok(e, {"run", "--rm", "localhost/test/web:2", "cat", "/added"}).out == "x\n");

  auto doc = nlohmann::json::parse(Ok(e, {"inspect", "web"}).out, nullptr, false);
  REQUIRE(doc.is_array());
  CHECK(doc[0]["State"]["Running"] == true);
  CHECK(doc[0]["State"]["Pid"].get<int>() > 1);

  CHECK(Ok(e, {"stop", "-t", "5", "web"}).out == "web\n");
  CHECK(Ok(e, {"wait", "web"}).out == "3\n");
  CHECK_THAT(Ok(e, {"logs", "web"}).out, Catch::EndsWith("bye\n"));
  CHECK(Ok(e, {"logs", "--tail", "1", "web"}).out == "bye\n");
  CHECK_THAT(Ok(e, {"ps", "-a", "--format", "{{.Status}}"}).out, Catch::StartsWith("Exited (3) "));
  doc = nlohmann::json::parse(Ok(e, {"container", "inspect", "web"}).out, nullptr, false);
  CHECK(doc[0]["State"]["Running"] == false);
  CHECK(doc[0]["State"]["FinishedAt"] != "0001-01-01T00:00:00Z");
  CHECK(e.Hoist({"exec", "web", "true"}).exit_code == 1);  // not running

  CHECK(Ok(e, {"container", "start", "web"}).out == "web\n");
  CHECK_THAT(LogsWith(e, "web", "bye\nstarted\n"), Catch::EndsWith("bye\nstarted\n"));
  CHECK(Ok(e, {"kill", "web"}).out == "web\n");
  CHECK(Ok(e, {"container", "wait", "web"}).out == "137\n");
}

TEST_CASE("named volumes: created by run -v NAME:/p or volume create, kept across containers, rm refused while used") {
  BuildEnv e;
  REQUIRE_ROOT_BUSYBOX(e);
  Ok(e, {"run", "--name", "writer", "-v", "data:/data", kBuildBase, "sh", "-c", "echo kept > /data/f"});
  CHECK(Ok(e, {"run", "--rm", "--mount", "type=volume,source=data,target=/d", kBuildBase, "cat", "/d/f"}).out == "kept\n");
  CHECK(Ok(e, {"volume", "ls", "-q"}).out == "data\n");
  auto doc = nlohmann::json::parse(Ok(e, {"volume", "inspect", "data"}).out, nullptr, false);
  CHECK(doc[0]["Mountpoint"] == e.tmp / "store/.hoist/volumes/data/_data");
  auto used = e.Hoist({"volume", "rm", "data"});
  CHECK(used.exit_code == 1);
  CHECK_THAT(used.err, Catch::Contains("in use by container writer"));
  Ok(e, {"rm", "writer"});
  CHECK(Ok(e, {"volume", "rm", "data"}).out == "data\n");
  CHECK(Ok(e, {"volume", "ls", "-q"}).out.empty());
  CHECK(Ok(e, {"volume", "create", "other"}).out == "other\n");
  CHECK(e.Hoist({"volume", "create", "bad/name"}).exit_code == 2);
  CHECK(e.Hoist({"volume", "inspect", "nothing"}).exit_code == 3);
}

TEST_CASE("detached containers: export while running, rm refuses a running one and -f kills it, run -d --rm") {
  BuildEnv e;
  REQUIRE_ROOT_BUSYBOX(e);
  Ok(e, {"run", "-d", "--name", "busy", kBuildBase, "sh", "-c", "echo x > /made; while true; do busybox sleep 0.1; done"});
  Ok(e, {"exec", "busy", "test", "-e", "/made"});  // exec sees the container's files once written
  CHECK(Ok(e, {"export", "-o", e.tmp / "busy.tar", "busy"}).exit_code == 0);
  CHECK_THAT(RunCommand({"tar", "-tf", e.tmp / "busy.tar"}).out, Catch::Contains("\nmade\n"));
  // A file name is the container's to choose: diff escapes terminal controls in it.
  Ok(e, {"exec", "busy", "sh", "-c", "echo > \"/$(printf '\\033[2J')\""});
  CHECK_THAT(Ok(e, {"diff", "busy"}).out, Catch::Contains("A /\\x1b[2J\n"));
  auto pid = Ok(e, {"inspect", "-f", "{{.State.Pid}}", "busy"}).out;
  CHECK(e.Hoist({"rm", "busy"}).exit_code == 1);
  CHECK(Ok(e, {"rm", "-f", "busy"}).out == "busy\n");
  CHECK(::access(("/proc/" + pid.substr(0, pid.size() - 1)).c_str(), F_OK) != 0);
  CHECK(Ok(e, {"ps", "-aq"}).out.empty());

  auto missing = e.Hoist({"run", "-d", kBuildBase, "no-such-command"});  // refused at start, as docker's
  CHECK(missing.exit_code == 127);
  CHECK_THAT(missing.err, Catch::Contains("\"no-such-command\" not found in the image"));
  Ok(e, {"rm", "-f", Ok(e, {"ps", "-aq"}).out.substr(0, 12)});

  Ok(e, {"run", "-d", "--rm", kBuildBase, "echo", "done"});
  std::string left = "?";
  for (int i = 0; i < 100 && !left.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    left = Ok(e, {"ps", "-aq"}).out;
  }
  CHECK(left.empty());  // its supervisor removed it at its end
}
