// The local store through the hoist binary: images, tag, rmi, prune, fsck, inspect, history, with
// images put in by skopeo and read back by skopeo and umoci (real Debian tools).

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/digest.h"
#include "core/image_config.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "store/oci_layout.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

using hoist::testing::CommandResult;
using hoist::testing::ReadFile;
using hoist::testing::RunCommand;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;
using nlohmann::json;

namespace {

// A temp dir holding a store and the images a test builds.
class StoreFixture {
 public:
  std::string store() const { return dir_ / "store"; }
  const TempDir& dir() const { return dir_; }

  CommandResult Hoist(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--store", store()});
    return RunHoist(args);
  }

  // Builds an image with umoci (one layer holding /hello.txt = `content`) and copies it into the
  // store with skopeo as `name` (the full normalized reference, as hoist names images).
  void AddImage(const std::string& content, const std::string& name) {
    const std::string src = dir_ / ("src" + std::to_string(counter_++));
    Run({"umoci", "init", "--layout", src});
    Run({"umoci", "new", "--image", src + ":t"});
    std::filesystem::create_directories(src + "-payload");
    WriteFile(src + "-payload/hello.txt", content);
    Run({"umoci", "insert", "--image", src + ":t", "--history.created_by", "COPY hello.txt /hello.txt",
         src + "-payload/hello.txt", "/hello.txt"});
    Run({"umoci", "config", "--image", src + ":t", "--config.cmd", "cat", "--config.cmd", "/hello.txt",
         "--history.created_by", "/bin/sh -c #(nop)  CMD [\"cat\" \"/hello.txt\"] with a long tail to truncate",
         "--history.comment", "set the command"});
    Run({"skopeo", "copy", "--quiet", "oci:" + src + ":t", "oci:" + store() + ":" + name});
  }

  size_t BlobCount() const {
    size_t n = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(store() + "/blobs/sha256")) ++n;
    return n;
  }

  static void Run(const std::vector<std::string>& argv) {
    auto r = RunCommand(argv);
    INFO(argv[0] << " " << argv[1] << ": " << r.err);
    REQUIRE(r.exit_code == 0);
  }

 private:
  TempDir dir_;
  int counter_ = 0;
};

json ParseJson(const CommandResult& r) {
  INFO(r.out << r.err);
  auto j = json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

std::string ManifestDigest(const StoreFixture& f, const std::string& ref) {
  auto r = f.Hoist({"inspect", ref});
  REQUIRE(r.exit_code == 0);
  return ParseJson(r)[0]["Digest"].get<std::string>();
}

// Starts hoist and kills it with SIGKILL after `delay_us`; returns once it is gone.
void RunAndKill(const std::vector<std::string>& args, useconds_t delay_us) {
  std::vector<std::string> argv = {HOIST_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (auto& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execv(cargs[0], cargs.data());
    ::_exit(127);
  }
  ::usleep(delay_us);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

}  // namespace

TEST_CASE("store: images lists what skopeo put in, with pattern filter, digests and JSON") {
  StoreFixture f;
  f.AddImage("one", "docker.io/library/alpine:3.19");
  f.AddImage("two", "example.com/team/app:v1");
  f.AddImage("three", "example.com/team/sub/tool:2");

  auto all = f.Hoist({"images"});
  REQUIRE(all.exit_code == 0);
  CHECK_THAT(all.out, Catch::StartsWith("REPOSITORY"));
  CHECK_THAT(all.out, Catch::Contains("IMAGE ID") && Catch::Contains("CREATED") && Catch::Contains("SIZE"));
  CHECK_THAT(all.out, Catch::Contains("alpine ") && Catch::Contains("3.19"));
  CHECK_THAT(all.out, Catch::Contains("example.com/team/app"));
  CHECK_THAT(all.out, Catch::Contains("seconds ago") || Catch::Contains("second ago") ||
                          Catch::Contains("Less than a second ago") || Catch::Contains("About a minute ago"));

  auto ls = f.Hoist({"ls", "example.com/team/*"});
  REQUIRE(ls.exit_code == 0);
  CHECK_THAT(ls.out, Catch::Contains("example.com/team/app"));
  CHECK_THAT(ls.out, !Catch::Contains("alpine") && !Catch::Contains("sub/tool"));
  auto by_tag = f.Hoist({"images", "alpine:3.*"});
  CHECK_THAT(by_tag.out, Catch::Contains("alpine") && !Catch::Contains("example.com"));

  auto digests = f.Hoist({"images", "--digests", "alpine"});
  CHECK_THAT(digests.out, Catch::Contains("DIGEST") && Catch::Contains(ManifestDigest(f, "alpine:3.19")));

  auto j = ParseJson(f.Hoist({"images", "--format", "json"}));
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 3);
  for (const auto& img : j) {
    CHECK(img["ID"].get<std::string>().rfind("sha256:", 0) == 0);
    CHECK(img["Size"].get<int64_t>() > 0);
    CHECK(img["MultiPlatform"] == false);
    CHECK(img["Created"].is_string());
  }
}

TEST_CASE("store: images on a store that does not exist lists nothing") {
  TempDir dir;
  auto r = RunHoist({"--store", dir / "none", "images"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("REPOSITORY"));
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "none"));
  auto env = RunHoist({"images", "--format", "json"}, {"HOIST_STORE=" + (dir / "none")});
  CHECK(env.out == "[]\n");
}

TEST_CASE("store: tag adds a name without copying a blob, and skopeo and umoci read it") {
  StoreFixture f;
  f.AddImage("tag me", "docker.io/library/base:1");
  const size_t blobs = f.BlobCount();
  auto r = f.Hoist({"tag", "base:1", "localhost:5000/copy/of:base"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(f.BlobCount() == blobs);
  CHECK(ManifestDigest(f, "localhost:5000/copy/of:base") == ManifestDigest(f, "base:1"));
  CHECK_THAT(ReadFile(f.store() + "/index.json"), Catch::Contains("\"localhost:5000/copy/of:base\""));

  // skopeo reads the store as an OCI layout by the full name.
  auto inspect = RunCommand({"skopeo", "inspect", "oci:" + f.store() + ":localhost:5000/copy/of:base"});
  INFO(inspect.err);
  REQUIRE(inspect.exit_code == 0);
  CHECK(ParseJson(inspect)["Digest"] == ManifestDigest(f, "base:1"));
  auto copy = RunCommand({"skopeo", "copy", "--quiet", "oci:" + f.store() + ":docker.io/library/base:1",
                          "oci:" + (f.dir() / "out") + ":x"});
  CHECK(copy.exit_code == 0);

  // umoci unpacks it.
  auto unpack = RunCommand({"umoci", "unpack", "--image", f.store() + ":localhost:5000/copy/of:base",
                            f.dir() / "bundle"});
  INFO(unpack.err);
  REQUIRE(unpack.exit_code == 0);
  CHECK(ReadFile(f.dir() / "bundle/rootfs/hello.txt") == "tag me");

  // Tag by image ID prefix, and over an existing name.
  auto j = ParseJson(f.Hoist({"images", "--format", "json", "base"}));
  std::string id = j[0]["ID"].get<std::string>().substr(7, 12);
  REQUIRE(f.Hoist({"tag", id, "byid:1"}).exit_code == 0);
  f.AddImage("other", "docker.io/library/other:1");
  REQUIRE(f.Hoist({"tag", "other:1", "byid:1"}).exit_code == 0);
  CHECK(ManifestDigest(f, "byid:1") == ManifestDigest(f, "other:1"));
}

TEST_CASE("store: tag and rmi refuse bad input with clear errors and exit codes") {
  StoreFixture f;
  f.AddImage("x", "docker.io/library/x:1");
  auto unknown = f.Hoist({"tag", "nope:1", "y:1"});
  CHECK(unknown.exit_code == 3);
  CHECK_THAT(unknown.err, Catch::Contains("nope:1"));
  CHECK(f.Hoist({"tag", "x:1"}).exit_code == 2);
  auto digest_target = f.Hoist({"tag", "x:1", "y@sha256:" + std::string(64, 'a')});
  CHECK(digest_target.exit_code == 2);
  auto bad_ref = f.Hoist({"tag", "x:1", "UPPER/Case:1"});
  CHECK(bad_ref.exit_code == 2);
  auto transport = f.Hoist({"rmi", "docker://x:1"});
  CHECK(transport.exit_code == 2);
  CHECK_THAT(transport.err, Catch::Contains("local store"));
  auto rmi_unknown = f.Hoist({"rmi", "nope:1"});
  CHECK(rmi_unknown.exit_code == 3);
  CHECK_THAT(rmi_unknown.err, Catch::Contains("nope:1"));
  auto inspect_unknown = f.Hoist({"inspect", "nope:1"});
  CHECK(inspect_unknown.exit_code == 3);
  auto history_unknown = f.Hoist({"history", "nope:1"});
  CHECK(history_unknown.exit_code == 3);
  TempDir empty;
  CHECK(RunHoist({"--store", empty / "none", "rmi", "x:1"}).exit_code == 3);
}

TEST_CASE("store: rmi untags like docker, by name and by ID, and prune then frees the blobs") {
  StoreFixture f;
  f.AddImage("shared image", "docker.io/library/a:1");
  REQUIRE(f.Hoist({"tag", "a:1", "a:2"}).exit_code == 0);
  REQUIRE(f.Hoist({"tag", "a:1", "b:1"}).exit_code == 0);
  f.AddImage("keep me", "docker.io/library/keep:1");

  auto untag = f.Hoist({"rmi", "a:2"});
  REQUIRE(untag.exit_code == 0);
  CHECK_THAT(untag.out, Catch::Contains("Untagged: a:2"));
  CHECK(f.Hoist({"inspect", "a:2"}).exit_code == 3);
  CHECK(f.Hoist({"inspect", "a:1"}).exit_code == 0);

  // By ID, names in two repositories: refused without -f.
  std::string id = ParseJson(f.Hoist({"inspect", "a:1"}))[0]["Id"].get<std::string>();
  auto conflict = f.Hoist({"rmi", id.substr(7, 12)});
  CHECK(conflict.exit_code == 1);
  CHECK_THAT(conflict.err, Catch::Contains("must be forced"));
  auto forced = f.Hoist({"rmi", "-f", id.substr(7, 12)});
  INFO(forced.err);
  REQUIRE(forced.exit_code == 0);
  CHECK_THAT(forced.out, Catch::Contains("Untagged: a:1") && Catch::Contains("Untagged: b:1"));
  CHECK(f.Hoist({"inspect", "b:1"}).exit_code == 3);

  // Several arguments: the unknown one is reported, the others still go.
  REQUIRE(f.Hoist({"tag", "keep:1", "keep:2"}).exit_code == 0);
  auto mixed = f.Hoist({"rmi", "nope:9", "keep:2"});
  CHECK(mixed.exit_code == 3);
  CHECK_THAT(mixed.out, Catch::Contains("Untagged: keep:2"));

  const size_t before = f.BlobCount();
  auto prune = f.Hoist({"prune"});
  INFO(prune.err);
  REQUIRE(prune.exit_code == 0);
  CHECK_THAT(prune.out, Catch::Contains("deleted: sha256:") && Catch::Contains("Total reclaimed space:"));
  CHECK(f.BlobCount() == before - 3);  // manifest, config, layer of the untagged image
  CHECK(f.Hoist({"fsck"}).exit_code == 0);
  auto again = f.Hoist({"prune", "--format", "json"});
  REQUIRE(again.exit_code == 0);
  CHECK(ParseJson(again)["SpaceReclaimed"] == 0);
  // keep:1 still works for other tools.
  CHECK(RunCommand({"skopeo", "inspect", "oci:" + f.store() + ":docker.io/library/keep:1"}).exit_code == 0);
}

TEST_CASE("store: prune --all removes unnamed images") {
  StoreFixture f;
  f.AddImage("named", "docker.io/library/named:1");
  f.AddImage("unnamed", "docker.io/library/gone:1");
  // Strip the name by hand, leaving an unnamed index.json entry (as other tools may write).
  std::string index = ReadFile(f.store() + "/index.json");
  auto doc = json::parse(index);
  for (auto& m : doc["manifests"]) {
    if (m["annotations"]["org.opencontainers.image.ref.name"] == "docker.io/library/gone:1") m.erase("annotations");
  }
  WriteFile(f.store() + "/index.json", doc.dump());
  auto listed = f.Hoist({"images"});
  CHECK_THAT(listed.out, Catch::Contains("<none>"));
  auto plain = ParseJson(f.Hoist({"prune", "--format", "json"}));
  CHECK(plain["DeletedBlobs"].empty());
  auto all = ParseJson(f.Hoist({"prune", "--all", "--format", "json"}));
  CHECK(all["RemovedImages"].size() == 1);
  CHECK(all["DeletedBlobs"].size() == 3);
  CHECK(f.Hoist({"fsck"}).exit_code == 0);
  CHECK(f.Hoist({"inspect", "named:1"}).exit_code == 0);
}

TEST_CASE("store: fsck finds a corrupt blob (exit 5) and --repair removes it") {
  StoreFixture f;
  f.AddImage("good", "docker.io/library/good:1");
  f.AddImage("bad", "docker.io/library/bad:1");
  auto clean = f.Hoist({"fsck"});
  CHECK(clean.exit_code == 0);
  CHECK_THAT(clean.out, Catch::Contains("no problems"));

  auto inspected = ParseJson(f.Hoist({"inspect", "bad:1"}));
  std::string layer = inspected[0]["Manifest"]["Layers"][0]["Digest"].get<std::string>();
  const std::string layer_path = f.store() + "/blobs/sha256/" + layer.substr(7);
  WriteFile(layer_path, "flipped bits");
  auto found = f.Hoist({"fsck"});
  CHECK(found.exit_code == 5);
  CHECK_THAT(found.out, Catch::Contains("corrupt-blob " + layer) && Catch::Contains("--repair"));
  CHECK(std::filesystem::exists(layer_path));

  auto repaired = f.Hoist({"fsck", "--repair"});
  INFO(repaired.out << repaired.err);
  CHECK(repaired.exit_code == 0);
  CHECK_THAT(repaired.out, Catch::Contains("removed blob") && Catch::Contains("removed name docker.io/library/bad:1"));
  CHECK_FALSE(std::filesystem::exists(layer_path));
  CHECK(f.Hoist({"fsck"}).exit_code == 0);
  CHECK(f.Hoist({"inspect", "good:1"}).exit_code == 0);
  CHECK(f.Hoist({"inspect", "bad:1"}).exit_code == 3);
}

TEST_CASE("store: a garbage index.json is a clear error, never a crash") {
  StoreFixture f;
  f.AddImage("x", "docker.io/library/x:1");
  WriteFile(f.store() + "/index.json", "{\"schemaVersion\": 2, \"manifests\": [");
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"images"}, {"inspect", "x:1"}, {"tag", "x:1", "y:1"}, {"rmi", "x:1"}, {"prune"}, {"history", "x:1"}}) {
    INFO(cmd[0]);
    auto r = f.Hoist(cmd);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("index.json") && Catch::Contains("not a valid OCI index"));
  }
  auto fsck = f.Hoist({"fsck"});
  CHECK(fsck.exit_code == 1);
  CHECK_THAT(fsck.out, Catch::Contains("bad-index"));
  WriteFile(f.store() + "/oci-layout", "nonsense");
  CHECK_THAT(f.Hoist({"images"}).err, Catch::Contains("oci-layout"));
}

TEST_CASE("store: inspect summarizes config and manifest, --raw and --config print the bytes") {
  StoreFixture f;
  f.AddImage("inspect me", "docker.io/library/insp:1");
  REQUIRE(f.Hoist({"tag", "insp:1", "insp:2"}).exit_code == 0);
  auto j = ParseJson(f.Hoist({"inspect", "insp:1"}));
  REQUIRE(j.is_array());
  const auto& img = j[0];
  CHECK(img["RepoTags"] == json::array({"insp:1", "insp:2"}));
  CHECK(img["RepoDigests"][0] == "insp@" + img["Digest"].get<std::string>());
  CHECK(img["Os"] == "linux");
  CHECK(img["Config"]["Cmd"] == json::array({"cat", "/hello.txt"}));
  CHECK(img["RootFS"]["Layers"].size() == 1);
  CHECK(img["Manifest"]["Layers"].size() == 1);
  CHECK(img["Manifest"]["MediaType"] == std::string(hoist::kOciManifest));

  auto raw = f.Hoist({"inspect", "--raw", "insp:1"});
  REQUIRE(raw.exit_code == 0);
  CHECK(hoist::Digest::Of(raw.out).str() == img["Digest"]);
  auto config = f.Hoist({"inspect", "--config", "insp:1"});
  REQUIRE(config.exit_code == 0);
  CHECK(hoist::Digest::Of(config.out.substr(0, config.out.size() - 1)).str() == img["Id"]);
  // By digest and by ID too.
  CHECK(ParseJson(f.Hoist({"inspect", "insp@" + img["Digest"].get<std::string>()}))[0]["Id"] == img["Id"]);
  CHECK(ParseJson(f.Hoist({"inspect", img["Id"].get<std::string>()}))[0]["Digest"] == img["Digest"]);
}

TEST_CASE("store: history lists every step, empty layers included, like docker history") {
  StoreFixture f;
  f.AddImage("history", "docker.io/library/hist:1");
  auto r = f.Hoist({"history", "hist:1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("IMAGE") && Catch::Contains("CREATED BY") && Catch::Contains("COMMENT"));
  CHECK_THAT(r.out, Catch::Contains("COPY hello.txt /hello.txt"));
  CHECK_THAT(r.out, Catch::Contains("…") && Catch::Contains("set the command"));
  CHECK_THAT(r.out, !Catch::Contains("with a long tail to truncate"));
  CHECK_THAT(r.out, Catch::Contains("0B"));
  CHECK_THAT(r.out, Catch::Contains("<missing>"));
  auto full = f.Hoist({"history", "--no-trunc", "hist:1"});
  CHECK_THAT(full.out, Catch::Contains("with a long tail to truncate"));
  auto j = ParseJson(f.Hoist({"history", "--format", "json", "hist:1"}));
  REQUIRE(j.size() == 2);
  CHECK(j[0]["EmptyLayer"] == true);  // newest first: the CMD step
  CHECK(j[0]["Size"] == 0);
  CHECK(j[1]["EmptyLayer"] == false);
  CHECK(j[1]["Size"].get<int64_t>() > 0);
  CHECK(j[1]["CreatedBy"] == "COPY hello.txt /hello.txt");
}

TEST_CASE("store: a multi-platform image is listed as such") {
  StoreFixture f;
  f.AddImage("amd64 image", "docker.io/library/amd:1");
  f.AddImage("arm64 image", "docker.io/library/arm:1");
  auto layout = hoist::store::OciLayout::Open(f.store(), hoist::store::OciLayout::OpenMode::kExisting);
  REQUIRE(layout.ok());
  auto amd = layout->Resolve(*hoist::Reference::Parse("amd:1"));
  auto arm = layout->Resolve(*hoist::Reference::Parse("arm:1"));
  REQUIRE((amd.ok() && arm.ok()));
  hoist::Descriptor a = *amd, b = *arm;
  a.annotations.clear();
  b.annotations.clear();
  a.platform = hoist::Platform{"linux", "amd64", "", "", {}};
  b.platform = hoist::Platform{"linux", "arm64", "v8", "", {}};
  hoist::Index index(std::string(hoist::kOciIndex), {a, b});
  auto d = layout->PutBytes(index.raw(), std::string(hoist::kOciIndex));
  REQUIRE(d.ok());
  REQUIRE(layout->SetName(*hoist::Reference::Parse("multi:1"), *d).ok());

  auto r = f.Hoist({"images", "multi"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("PLATFORMS") && Catch::Contains("linux/amd64, linux/arm64/v8"));
  CHECK_THAT(r.out, Catch::Contains(d->digest.Short()));
  auto j = ParseJson(f.Hoist({"images", "--format", "json", "multi"}));
  CHECK(j[0]["MultiPlatform"] == true);
  CHECK(j[0]["Platforms"].size() == 2);
  auto arm_config = ParseJson(f.Hoist({"inspect", "--platform", "linux/arm64", "multi:1"}));
  CHECK(arm_config[0]["Manifest"]["Digest"] == b.digest.str());
  CHECK(f.Hoist({"inspect", "--platform", "linux/s390x", "multi:1"}).exit_code == 3);
  CHECK(f.Hoist({"fsck"}).exit_code == 0);
}

TEST_CASE("store: concurrent hoist tag processes lose no name") {
  StoreFixture f;
  f.AddImage("x", "docker.io/library/x:1");
  std::vector<pid_t> kids;
  for (int p = 0; p < 4; ++p) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int failures = 0;
      for (int i = 0; i < 8; ++i) {
        auto r = f.Hoist({"tag", "x:1", "p" + std::to_string(p) + ":" + std::to_string(i)});
        failures += r.exit_code != 0;
      }
      ::_exit(failures);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  auto j = ParseJson(f.Hoist({"images", "--format", "json"}));
  CHECK(j.size() == 33);
}

TEST_CASE("store: SIGKILL in the middle of tag or prune leaves a store that passes fsck") {
  StoreFixture f;
  f.AddImage("base", "docker.io/library/base:1");
  for (int round = 0; round < 12; ++round) {
    INFO("round " << round);
    f.AddImage("victim " + std::to_string(round), "docker.io/library/victim:" + std::to_string(round));
    REQUIRE(f.Hoist({"rmi", "victim:" + std::to_string(round)}).exit_code == 0);
    const useconds_t delay = 500 + static_cast<useconds_t>(round) * 1500;
    RunAndKill({"--store", f.store(), "tag", "base:1", "t:" + std::to_string(round)}, delay);
    RunAndKill({"--store", f.store(), "prune"}, delay);
    auto fsck = f.Hoist({"fsck"});
    INFO(fsck.out << fsck.err);
    REQUIRE(fsck.exit_code == 0);
    REQUIRE(f.Hoist({"inspect", "base:1"}).exit_code == 0);
  }
}
