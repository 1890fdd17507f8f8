// Issue 20 §3, command forms and scripting flags, through the hoist binary: management forms
// (`hoist image ls`), did-you-mean, -q/--filter/--no-trunc, Go-template --format, JSON errors,
// inspect and export of a container, system df|info|prune.

#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/run_command.h"
#include "support/temp_dir.h"
#include "unit/container/container_test_util.h"

using hoist::testing::CommandResult;
using hoist::testing::RunCommand;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;
using nlohmann::json;

namespace {

// A store with two imported images (one labelled) made from a one-file tarball: no registry, fast.
struct Forms {
  TempDir tmp;
  std::vector<std::string> env;

  Forms() {
    env = {"HOIST_STORE=" + tmp / "store"};
    REQUIRE(::mkdir((tmp / "root").c_str(), 0755) == 0);
    WriteFile(tmp / "root/hello.txt", "hello\n");
    REQUIRE(RunCommand({"tar", "-C", tmp / "root", "-cf", tmp / "root.tar", "."}).exit_code == 0);
  }
  CommandResult Hoist(const std::vector<std::string>& args) const { return RunHoist(args, env); }
  CommandResult Ok(const std::vector<std::string>& args) const {
    auto r = Hoist(args);
    INFO(args[0] << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  }
  void Import(const std::string& ref, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"import"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(tmp / "root.tar");
    args.push_back(ref);
    Ok(args);
  }
};

size_t Lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("forms: hoist image ls, container ls and system df run the same commands as images, ps, df") {
  Forms f;
  f.Import("localhost/forms/a:1");
  // CREATED reads "Less than a second ago" or "1 second ago" depending on when each runs: compare the
  // header and every other column.
  auto header = [](const std::string& table) { return table.substr(0, table.find('\n')); };
  CHECK_THAT(header(f.Ok({"image", "ls"}).out), Catch::StartsWith("REPOSITORY") && Catch::Contains("IMAGE ID"));
  const std::string columns = "{{.Repository}} {{.Tag}} {{.ID}} {{.Size}}";
  CHECK(f.Ok({"image", "ls", "--format", columns}).out == f.Ok({"images", "--format", columns}).out);
  CHECK(f.Ok({"image", "ls", "--format", "json"}).out == f.Ok({"images", "--format", "json"}).out);
  CHECK(f.Ok({"container", "ls", "-a"}).out == f.Ok({"ps", "-a"}).out);
  CHECK_THAT(f.Ok({"image", "inspect", "localhost/forms/a:1"}).out, Catch::Contains("\"RepoTags\""));
  CHECK_THAT(f.Ok({"image", "history", "-q", "localhost/forms/a:1"}).out, Catch::Contains("\n"));
  f.Ok({"image", "tag", "localhost/forms/a:1", "localhost/forms/b:1"});
  CHECK_THAT(f.Ok({"image", "rm", "localhost/forms/b:1"}).out, Catch::Contains("b:1"));
  auto df = f.Ok({"system", "df"});
  CHECK_THAT(df.out, Catch::StartsWith("TYPE") && Catch::Contains("RECLAIMABLE") && Catch::Contains("Images") &&
                         Catch::Contains("Containers") && Catch::Contains("Build Cache"));
  auto dfj = json::parse(f.Ok({"system", "df", "--format", "json"}).out);
  REQUIRE(dfj.size() == 3);
  CHECK(dfj[0]["Type"] == "Images");
  CHECK(dfj[0]["TotalCount"] == 1);
  CHECK(dfj[0]["Size"].get<int64_t>() > 0);
  auto info = json::parse(f.Ok({"system", "info", "--format", "json"}).out);
  CHECK(info["Store"] == f.tmp / "store");
  CHECK(info["Images"] == 1);
  CHECK(f.Ok({"system", "info", "--format", "{{.Images}} {{.Containers}}"}).out == "1 0\n");
  CHECK_THAT(f.Ok({"system", "prune"}).out, Catch::Contains("Total reclaimed space"));
}

TEST_CASE("forms: group help lists the subcommands, each form has --help, bad subcommands exit 2") {
  Forms f;
  for (const char* g : {"image", "container", "system"}) {
    auto r = f.Ok({g, "--help"});
    CHECK_THAT(r.out, Catch::Contains(std::string("hoist ") + g + " COMMAND"));
    CHECK(f.Ok({g}).out == r.out);
    CHECK(f.Ok({"help", g}).out == r.out);
  }
  CHECK_THAT(f.Ok({"image", "--help"}).out, Catch::Contains("ls ") && Catch::Contains("prune") && Catch::Contains("build"));
  CHECK_THAT(f.Ok({"image", "ls", "--help"}).out, Catch::Contains("hoist image ls"));
  CHECK_THAT(f.Ok({"container", "export", "--help"}).out, Catch::Contains("hoist container export"));
  CHECK_THAT(f.Ok({"system", "df", "--help"}).out, Catch::Contains("RECLAIMABLE"));
  CHECK_THAT(f.Ok({"--help"}).out, Catch::Contains("Management commands:") && Catch::Contains("  image "));
  auto bad = f.Hoist({"image", "lss"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("unknown image command \"lss\": did you mean \"ls\"?"));
  CHECK(Lines(bad.err) == 1);
  CHECK(f.Hoist({"system", "--no-such-flag"}).exit_code == 2);
  CHECK(f.Hoist({"container", "ls", "--no-such-flag"}).exit_code == 2);
}

TEST_CASE("forms: an unknown command suggests the nearest one") {
  auto r = RunHoist({"imgaes"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown command \"imgaes\": did you mean \"images\"?"));
  CHECK_THAT(RunHoist({"contaner"}).err, Catch::Contains("did you mean \"container\"?"));
  CHECK_THAT(RunHoist({"pul"}).err, Catch::Contains("did you mean \"pull\"?"));
  auto far = RunHoist({"frobnicate"});
  CHECK(far.exit_code == 2);
  CHECK_THAT(far.err, !Catch::Contains("did you mean"));
}

TEST_CASE("forms: --format json makes errors one JSON object on stderr") {
  Forms f;
  auto usage = f.Hoist({"--format", "json", "imgaes"});
  CHECK(usage.exit_code == 2);
  REQUIRE(Lines(usage.err) == 1);
  auto j = json::parse(usage.err);
  CHECK(j["code"] == 2);
  CHECK(j["kind"] == "usage");
  CHECK_THAT(j["error"].get<std::string>(), Catch::Contains("did you mean \"images\"?"));
  auto missing = f.Hoist({"inspect", "--format=json", "localhost/forms/none:1"});
  CHECK(missing.exit_code == 3);
  auto m = json::parse(missing.err);
  CHECK(m["code"] == 3);
  CHECK(m["kind"] == "not found");
  CHECK_THAT(f.Hoist({"inspect", "localhost/forms/none:1"}).err, Catch::StartsWith("hoist: "));
  // Commands that report each operand on its own line do it as JSON too.
  f.Import("localhost/forms/a:1");
  auto rmi = f.Hoist({"rmi", "--format", "json", "localhost/forms/none:1", "localhost/forms/gone:2"});
  CHECK(rmi.exit_code == 3);
  REQUIRE(Lines(rmi.err) == 2);
  CHECK(json::parse(rmi.err.substr(0, rmi.err.find('\n')))["kind"] == "not found");
  auto rm = f.Hoist({"rm", "--format=json", "no-such-container"});
  CHECK(rm.exit_code == 3);
  CHECK_THAT(json::parse(rm.err)["error"].get<std::string>(), Catch::StartsWith("rm: "));
}

TEST_CASE("forms: images -q, --no-trunc and --filter dangling, reference, label, before, since") {
  Forms f;
  f.Import("localhost/forms/old:1");
  ::sleep(1);  // creation times have one-second resolution
  f.Import("localhost/forms/new:1", {"--change", "LABEL tier=web"});
  auto ids = f.Ok({"images", "-q"}).out;
  CHECK(Lines(ids) == 2);
  CHECK(ids.find("sha256:") == std::string::npos);
  CHECK(ids.substr(0, ids.find('\n')).size() == 12);
  CHECK_THAT(f.Ok({"images", "-q", "--no-trunc"}).out, Catch::StartsWith("sha256:"));
  auto names = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "images");
    args.push_back("--format");
    args.push_back("{{.Repository}}");
    return f.Ok(args).out;
  };
  CHECK(names({"--filter", "label=tier"}) == "localhost/forms/new\n");
  CHECK(names({"--filter", "label=tier=web"}) == "localhost/forms/new\n");
  CHECK(names({"--filter", "label=tier=db"}).empty());
  CHECK(names({"--filter", "reference=localhost/forms/o*"}) == "localhost/forms/old\n");
  CHECK(names({"-f", "reference=*/forms/old", "-f", "reference=*/forms/new"}) ==
        "localhost/forms/new\nlocalhost/forms/old\n");
  CHECK(names({"--filter", "before=localhost/forms/new:1"}) == "localhost/forms/old\n");
  CHECK(names({"--filter", "since=localhost/forms/old:1"}) == "localhost/forms/new\n");
  CHECK(names({"--filter", "dangling=true"}).empty());
  CHECK(Lines(names({"--filter", "dangling=false"})) == 2);
  auto bad = f.Hoist({"images", "--filter", "colour=red"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("invalid filter \"colour\""));
  CHECK(f.Hoist({"images", "--filter", "dangling=maybe"}).exit_code == 2);
}

TEST_CASE("forms: Go templates on images, history and inspect with table headers, unsupported constructs exit 2") {
  Forms f;
  f.Import("localhost/forms/t:1", {"--change", "CMD [\"cat\", \"/hello.txt\"]", "--change", "LABEL v=1.0"});
  CHECK(f.Ok({"images", "--format", "{{.Repository}}:{{.Tag}}"}).out == "localhost/forms/t:1\n");
  auto table = f.Ok({"images", "--format", "table {{.Repository}}\\t{{.Tag}}\\t{{.Size}}"}).out;
  CHECK_THAT(table, Catch::StartsWith("REPOSITORY          TAG       SIZE\nlocalhost/forms/t   1         "));
  // The header's words (column widths follow the rows: "Less than a second ago" vs "1 second ago").
  auto first_line = [](const std::string& s) {
    std::istringstream words(s.substr(0, s.find('\n')));
    std::string w, out;
    while (words >> w) out += w + " ";
    return out;
  };
  CHECK(first_line(f.Ok({"images", "--format", "table"}).out) == first_line(f.Ok({"images"}).out));
  CHECK(f.Ok({"inspect", "-f", "{{json .Config.Cmd}}", "localhost/forms/t:1"}).out == "[\"cat\",\"/hello.txt\"]\n");
  CHECK(f.Ok({"inspect", "--format", "{{.Config.Cmd}}", "localhost/forms/t:1"}).out == "[cat /hello.txt]\n");
  CHECK(f.Ok({"inspect", "-f", "{{index .Config.Labels \"v\"}}", "localhost/forms/t:1"}).out == "1.0\n");
  CHECK(f.Ok({"inspect", "-f", "{{join .RepoTags \",\"}}", "localhost/forms/t:1"}).out == "localhost/forms/t:1\n");
  CHECK_THAT(f.Ok({"history", "--format", "{{.ID}}|{{.Size}}", "localhost/forms/t:1"}).out, Catch::Contains("|"));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"images", "--format", "{{printf \"%s\" .ID}}"},
        {"ps", "--format", "{{.NoSuchField}}"},
        {"inspect", "-f", "{{$x := .Id}}", "localhost/forms/t:1"},
        {"images", "--format", "{{.ID"}}) {
    auto r = f.Hoist(args);
    INFO(args[2] << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(Lines(r.err) == 1);
  }
  CHECK_THAT(f.Hoist({"images", "--format", "{{printf \"%s\" .ID}}"}).err,
             Catch::Contains("unsupported template construct function \"printf\""));
  CHECK_THAT(f.Hoist({"pull", "--format", "{{.ID}}", "x"}).err, Catch::Contains("--format must be text, json, oci or v2s2"));
}

TEST_CASE("forms: ps filters and -q, inspect and export of a container, system prune removes stopped ones") {
  Forms f;
  const std::string rootfs = f.tmp / "bb";
  REQUIRE(::mkdir(rootfs.c_str(), 0755) == 0);
  if (!hoist::container::testing::MakeBusyboxRootfs(rootfs)) {
    WARN("busybox-static not installed: skipped");
    return;
  }
  REQUIRE(RunCommand({"tar", "-C", rootfs, "-cf", f.tmp / "bb.tar", "."}).exit_code == 0);
  f.Ok({"import", f.tmp / "bb.tar", "localhost/forms/bb:1"});
  auto run = f.Hoist({"run", "--name", "work", "localhost/forms/bb:1", "sh", "-c", "echo changed > /new.txt; exit 3"});
  REQUIRE(run.exit_code == 3);

  CHECK(f.Ok({"ps", "-q"}).out.empty());
  auto q = f.Ok({"ps", "-aq"}).out;
  CHECK(q.size() == 13);
  CHECK(f.Ok({"ps", "-aq", "--no-trunc"}).out.size() == 65);
  // docker's STATUS: the exit code and how long ago ("Exited (3) 2 seconds ago").
  CHECK_THAT(f.Ok({"ps", "--filter", "status=exited", "--format", "{{.Names}} {{.Status}}"}).out,
             Catch::StartsWith("work Exited (3) ") && Catch::EndsWith(" ago\n"));
  CHECK(f.Ok({"ps", "-a", "--filter", "status=running"}).out.find("work") == std::string::npos);
  CHECK(f.Ok({"ps", "-a", "--filter", "name=wor", "-q"}).out == q);
  CHECK(f.Ok({"ps", "-a", "--filter", "name=nope", "-q"}).out.empty());
  CHECK(f.Ok({"ps", "-a", "--filter", "ancestor=localhost/forms/bb:1", "-q"}).out == q);
  CHECK(f.Ok({"ps", "-a", "--filter", "ancestor=localhost/forms/other", "-q"}).out.empty());
  CHECK(f.Hoist({"ps", "--filter", "status=sleeping"}).exit_code == 2);

  auto doc = json::parse(f.Ok({"inspect", "work"}).out);
  REQUIRE(doc.size() == 1);
  CHECK(doc[0]["Name"] == "/work");
  CHECK(doc[0]["State"]["Status"] == "exited");
  CHECK(doc[0]["State"]["ExitCode"] == 3);
  CHECK(f.Ok({"container", "inspect", "-f", "{{.State.ExitCode}} {{.Config.Image}}", "work"}).out ==
        "3 localhost/forms/bb:1\n");
  CHECK(f.Hoist({"container", "inspect", "localhost/forms/bb:1"}).exit_code == 3);
  CHECK_THAT(f.Ok({"image", "inspect", "localhost/forms/bb:1"}).out, Catch::Contains("RepoTags"));
  CHECK(f.Hoist({"image", "inspect", "work"}).exit_code != 0);

  f.Ok({"export", "-o", f.tmp / "work.tar", "work"});
  auto list = RunCommand({"tar", "-tf", f.tmp / "work.tar"});
  CHECK_THAT(list.out, Catch::Contains("new.txt") && Catch::Contains("bin/"));
  f.Ok({"container", "export", "-o", f.tmp / "work2.tar", "work"});
  CHECK(f.Hoist({"container", "export", "-o", f.tmp / "x.tar", "localhost/forms/bb:1"}).exit_code == 3);
  f.Ok({"export", "-o", f.tmp / "image.tar", "localhost/forms/bb:1"});  // an image still exports
  CHECK(RunCommand({"tar", "-tf", f.tmp / "image.tar"}).out.find("new.txt") == std::string::npos);

  auto df = json::parse(f.Ok({"system", "df", "--format", "json"}).out);
  CHECK(df[0]["Active"] == 1);  // the image the container came from
  CHECK(df[1]["TotalCount"] == 1);
  CHECK(df[1]["Size"].get<int64_t>() > 0);
  auto pruned = json::parse(f.Ok({"system", "prune", "--format", "json"}).out);
  CHECK(pruned["ContainersDeleted"].size() == 1);
  CHECK(f.Ok({"ps", "-aq"}).out.empty());
}
