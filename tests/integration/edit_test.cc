// hoist mutate against the real registry and layouts: only the new config and manifest travel,
// unchanged documents keep their bytes, skopeo reads every result, bad input writes nothing.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "archive_test_support.h"
#include "support/fault_proxy.h"
#include "transfer_test_support.h"

using namespace hoist::testing;
using hoist::Descriptor;
using hoist::transfer_test::Hoist;
using hoist::transfer_test::Layout;

namespace {

constexpr size_t kLargeLayer = 16 << 20;
// A config and a manifest are a few hundred bytes each; anything near a layer's size is a layer.
constexpr uint64_t kDocumentsOnly = 16 << 10;

nlohmann::json SkopeoInspect(const std::string& where, bool config = false) {
  std::vector<std::string> argv = {"skopeo", "inspect", "--tls-verify=false"};
  if (config) argv.push_back("--config");
  argv.push_back(where);
  auto r = RunCommand(argv);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

std::string SkopeoRaw(const std::string& where) {
  auto r = RunCommand({"skopeo", "inspect", "--raw", "--tls-verify=false", where});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("a registry-to-registry mutate of an image with a large layer sends only the config and manifest") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  layout.Name("big", layout.AddImage({kLargeLayer}, "amd64", 7));
  FaultProxy proxy(registry->host());  // counts what the mutate sends; the rest goes straight
  Hoist hoist{dir / "store", {registry->host(), proxy.host()}};
  const std::string direct = "docker://" + registry->host() + "/edit/big";
  const std::string proxied = "docker://" + proxy.host() + "/edit/big";
  hoist.Report({"copy", "oci:" + layout.dir() + ":big", direct + ":1"});
  const auto before = SkopeoInspect(direct + ":1");
  auto sent = [&] {
    return proxy.counts("PATCH").request_body_bytes + proxy.counts("PUT").request_body_bytes +
           proxy.counts("POST").request_body_bytes;
  };

  // In place (the same repository): the layer is there already.
  auto r = hoist.Run({"mutate", proxied + ":1", "--label", "team=web", "--env", "MODE=prod"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(sent() < kDocumentsOnly);
  CHECK(proxy.counts("PUT", PathKind::kManifest).requests == 1);
  auto after = SkopeoInspect(direct + ":1");
  CHECK(after["Digest"] == Trim(r.out));
  CHECK(after["Layers"] == before["Layers"]);
  CHECK(after["Labels"]["team"] == "web");
  auto config = SkopeoInspect(direct + ":1", true);
  CHECK(config["config"]["Env"].dump().find("MODE=prod") != std::string::npos);

  // Into another repository of the same registry, as Docker schema 2: the layer is mounted, not sent.
  proxy.ResetCounters();
  auto moved = hoist.Run({"--format", "v2s2", "mutate", proxied + ":1", "--user", "1000", "-t",
                          "docker://" + proxy.host() + "/other/big:2"});
  INFO(moved.err);
  REQUIRE(moved.exit_code == 0);
  CHECK(sent() < kDocumentsOnly);
  bool mounted = false;
  for (const auto& e : proxy.exchanges()) mounted |= e.method == "POST" && e.target.find("mount=") != std::string::npos && e.status == 201;
  CHECK(mounted);
  const std::string other = "docker://" + registry->host() + "/other/big:2";
  CHECK(SkopeoInspect(other)["Layers"] == before["Layers"]);
  CHECK(nlohmann::json::parse(SkopeoRaw(other))["mediaType"] ==
        "application/vnd.docker.distribution.manifest.v2+json");
}

TEST_CASE("mutate of one platform of an index keeps the other child and the layers byte-identical") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Descriptor amd64 = layout.AddImage({1000}, "amd64", 1);
  Descriptor arm64 = layout.AddImage({1000}, "arm64", 2);
  layout.Name("multi", layout.AddIndex({{amd64, "linux/amd64"}, {arm64, "linux/arm64"}}));
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string dst = "docker://" + registry->host() + "/edit/multi:1";
  auto r = hoist.Run({"mutate", "oci:" + layout.dir() + ":multi", "--platform", "linux/arm64", "--cmd", "sh,-c,true",
                      "--annotation", "org.opencontainers.image.vendor=hoist", "-t", dst});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto index = nlohmann::json::parse(SkopeoRaw(dst));
  REQUIRE(index["manifests"].size() == 2);
  CHECK(index["manifests"][0]["digest"] == amd64.digest.str());
  CHECK(index["manifests"][1]["digest"] != arm64.digest.str());
  CHECK(index["annotations"]["org.opencontainers.image.vendor"] == "hoist");
  CHECK(hoist::Digest::Of(SkopeoRaw(dst)).str() == Trim(r.out));
  auto arm = SkopeoInspect("docker://" + registry->host() + "/edit/multi@" +
                               index["manifests"][1]["digest"].get<std::string>(),
                           true);
  CHECK(arm["config"]["Cmd"] == nlohmann::json::array({"sh", "-c", "true"}));
}

TEST_CASE("mutate into the store and from there into an oci-archive") {
  TempDir dir;
  Layout layout(dir / "src");
  layout.Name("one", layout.AddImage({500}, "amd64", 3));
  Hoist hoist{dir / "store", {}};
  REQUIRE(hoist.Run({"mutate", "oci:" + layout.dir() + ":one", "--workdir", "/srv", "-t", "example.com/e/one:1"})
              .exit_code == 0);
  auto r = hoist.Run({"mutate", "example.com/e/one:1", "--exposed-ports", "8080", "-t",
                      "oci-archive:" + (dir / "a.tar") + ":one"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(hoist::Digest::Of(SkopeoRaw("oci-archive:" + (dir / "a.tar") + ":one")).str() == Trim(r.out));
  auto config = SkopeoInspect("oci-archive:" + (dir / "a.tar") + ":one", true);
  CHECK(config["config"]["WorkingDir"] == "/srv");
  CHECK(config["config"]["ExposedPorts"].contains("8080/tcp"));
}

TEST_CASE("mutate with a bad flag value or a missing image fails clearly and writes nothing") {
  TempDir dir;
  Layout layout(dir / "src");
  layout.Name("one", layout.AddImage({500}, "amd64", 4));
  Hoist hoist{dir / "store", {}};
  const std::string src = "oci:" + layout.dir() + ":one";
  const std::string index_before = ReadFile(layout.dir() + "/index.json");
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string says;
  };
  for (const auto& c : std::vector<Case>{
           {{"mutate", src, "--label", "novalue"}, 2, "--label takes KEY=VALUE"},
           {{"mutate", src, "--exposed-ports", "80/icmp"}, 2, "--exposed-ports takes"},
           {{"mutate", src, "--created", "yesterday"}, 2, "--created takes an RFC 3339 time"},
           {{"mutate", src, "--set-platform", "linux"}, 2, "--set-platform"},
           {{"mutate", src}, 2, "mutate needs a change"},
           {{"mutate", src, "--user", "1", "--platform", "linux/arm64"}, 3, "is an image for linux/amd64"},
           {{"mutate", "oci:" + layout.dir() + ":absent", "--user", "1"}, 3, "absent"},
       }) {
    auto r = hoist.Run(c.args);
    INFO(r.err);
    CHECK(r.exit_code == c.code);
    CHECK_THAT(r.err, Catch::Contains(c.says));
  }
  CHECK(ReadFile(layout.dir() + "/index.json") == index_before);
}

TEST_CASE("append adds a directory and a tar as layers whose uncompressed digests are the new diff_ids") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  layout.Name("one", layout.AddImage({500}, "amd64", 5));
  REQUIRE(Sh("mkdir -p " + dir / "tree/etc && echo hi > " + dir / "tree/etc/motd && cd " + dir / "tree" +
             " && tar czf " + dir / "extra.tar.gz etc")
              .exit_code == 0);
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string dst = "docker://" + registry->host() + "/edit/appended:1";
  auto r = RunHoist({"--store", dir / "store", "--progress", "none", "append", "--insecure-registry", registry->host(),
                     "oci:" + layout.dir() + ":one", "--layer", dir / "tree", "--layer", dir / "extra.tar.gz", "-t", dst},
                    {"SOURCE_DATE_EPOCH=0"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto copy = RunCommand({"skopeo", "copy", "--src-tls-verify=false", dst, "oci:" + (dir / "out") + ":x"});
  INFO(copy.err);
  REQUIRE(copy.exit_code == 0);
  auto manifest = LayoutManifest(dir / "out");
  REQUIRE(manifest["layers"].size() == 3);
  std::string config_digest = manifest["config"]["digest"];
  auto config = ReadJson(dir / "out/blobs/sha256/" + config_digest.substr(7));
  for (int i : {1, 2}) {
    std::string digest = manifest["layers"][i]["digest"];
    auto sum = Sh("gzip -dc " + dir / "out/blobs/sha256/" + digest.substr(7) + " | sha256sum | cut -c1-64");
    CHECK("sha256:" + sum.out.substr(0, 64) == config["rootfs"]["diff_ids"][i].get<std::string>());
  }
  CHECK(config["history"].back()["created"] == "1970-01-01T00:00:00Z");

  // The same inputs give the same image (SOURCE_DATE_EPOCH fixes the times).
  auto again = RunHoist({"--store", dir / "store", "--progress", "none", "append", "--insecure-registry",
                         registry->host(), "oci:" + layout.dir() + ":one", "--layer", dir / "tree", "--layer",
                         dir / "extra.tar.gz", "-t", dst + "-again"},
                        {"SOURCE_DATE_EPOCH=0"});
  CHECK(again.out == r.out);

  // zstd into an OCI layout; a missing --layer writes nothing.
  auto z = hoist.Run({"append", "oci:" + layout.dir() + ":one", "--layer", dir / "tree", "--compress", "zstd", "-t",
                      "oci:" + (dir / "z") + ":z"});
  INFO(z.err);
  REQUIRE(z.exit_code == 0);
  CHECK(LayoutManifest(dir / "z")["layers"][1]["mediaType"] == "application/vnd.oci.image.layer.v1.tar+zstd");
  auto missing = hoist.Run({"append", "oci:" + layout.dir() + ":one", "--layer", dir / "absent", "-t",
                            "oci:" + (dir / "never") + ":n"});
  CHECK(missing.exit_code == 3);
  CHECK_THAT(missing.err, Catch::Contains("absent"));
  CHECK(RunCommand({"test", "-e", dir / "never"}).exit_code != 0);
}

TEST_CASE("flatten squashes a store image into one layer in a registry, whiteouts applied") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  ImportImage(dir, "example.com/f/a:1", "a");
  REQUIRE(Sh("mkdir -p " + dir / "wh/etc && cd " + dir / "wh && : > etc/.wh.a && tar cf " + dir / "wh.tar etc/.wh.a")
              .exit_code == 0);
  Hoist hoist{dir / "store", {registry->host()}};
  REQUIRE(hoist.Run({"append", "example.com/f/a:1", "--layer", dir / "wh.tar"}).exit_code == 0);
  const std::string dst = "docker://" + registry->host() + "/edit/flat:1";
  auto r = hoist.Run({"flatten", "example.com/f/a:1", "-t", dst});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto copy = RunCommand({"skopeo", "copy", "--src-tls-verify=false", dst, "oci:" + (dir / "out") + ":x"});
  INFO(copy.err);
  REQUIRE(copy.exit_code == 0);
  auto manifest = LayoutManifest(dir / "out");
  REQUIRE(manifest["layers"].size() == 1);
  std::string layer = manifest["layers"][0]["digest"];
  auto listing = Sh("tar tzf " + dir / "out/blobs/sha256/" + layer.substr(7));
  CHECK(listing.out.find("etc/a\n") == std::string::npos);  // deleted by the whiteout above it
  CHECK(listing.out.find("bin/blob-a\n") != std::string::npos);
  std::string config_digest = manifest["config"]["digest"];
  auto config = ReadJson(dir / "out/blobs/sha256/" + config_digest.substr(7));
  CHECK(config["rootfs"]["diff_ids"].size() == 1);
  CHECK(config["history"].back()["created_by"] == "hoist flatten");
  CHECK(config["history"][0]["empty_layer"] == true);
}

TEST_CASE("rebase moves a registry image onto a new base, refuses a wrong old base, and reads its annotations") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  ImportImage(dir, "example.com/r/base:1", "one");
  ImportImage(dir, "example.com/r/base:2", "two");
  REQUIRE(Sh("mkdir -p " + dir / "app && echo app > " + dir / "app/app").exit_code == 0);
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string r = "docker://" + registry->host() + "/edit/";
  REQUIRE(hoist.Run({"copy", "example.com/r/base:1", r + "base:1"}).exit_code == 0);
  REQUIRE(hoist.Run({"copy", "example.com/r/base:2", r + "base:2"}).exit_code == 0);
  REQUIRE(hoist.Run({"append", r + "base:1", "--layer", dir / "app", "-t", r + "app:1"}).exit_code == 0);

  auto rebased = hoist.Run({"rebase", r + "app:1", "--old-base", r + "base:1", "--new-base", r + "base:2", "-t",
                            r + "app:2"});
  INFO(rebased.err);
  REQUIRE(rebased.exit_code == 0);
  auto app = SkopeoInspect(r + "app:1"), base2 = SkopeoInspect(r + "base:2"), out = SkopeoInspect(r + "app:2");
  REQUIRE(out["Layers"].size() == 2);
  CHECK(out["Layers"][0] == base2["Layers"][0]);
  CHECK(out["Layers"][1] == app["Layers"][1]);
  auto raw = nlohmann::json::parse(SkopeoRaw(r + "app:2"));
  CHECK(raw["annotations"]["org.opencontainers.image.base.name"] == registry->host() + "/edit/base:2");
  CHECK(raw["annotations"]["org.opencontainers.image.base.digest"] == base2["Digest"]);
  auto copy = RunCommand({"skopeo", "copy", "--src-tls-verify=false", r + "app:2", "oci:" + (dir / "out") + ":x"});
  CHECK(copy.exit_code == 0);  // every blob there and matching its digest

  // From its own annotations: OLD = base:2@digest, NEW = base:2 now (unchanged: the same image).
  auto again = hoist.Run({"rebase", r + "app:2", "-t", r + "app:3"});
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(again.out == rebased.out);

  auto wrong = hoist.Run({"rebase", r + "app:1", "--old-base", r + "base:2", "--new-base", r + "base:1", "-t",
                          r + "app:never"});
  CHECK(wrong.exit_code == 1);
  CHECK_THAT(wrong.err, Catch::Contains("is not built on the old base"));
  CHECK(RunCommand({"skopeo", "inspect", "--tls-verify=false", r + "app:never"}).exit_code != 0);
  auto no_annotations = hoist.Run({"rebase", r + "app:1"});
  CHECK(no_annotations.exit_code == 2);
  CHECK_THAT(no_annotations.err, Catch::Contains("rebase needs --old-base and --new-base"));
}

TEST_CASE("index create and index append build a multi-platform index in a registry, never mixing families") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Descriptor amd64 = layout.AddImage({800}, "amd64", 11);
  Descriptor arm64 = layout.AddImage({800}, "arm64", 12);
  Descriptor s390x = layout.AddImage({800}, "s390x", 13);
  layout.Name("amd64", amd64);
  layout.Name("arm64", arm64);
  layout.Name("s390x", s390x);
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string r = "docker://" + registry->host() + "/edit/";
  const std::string oci = "oci:" + layout.dir() + ":";
  REQUIRE(hoist.Run({"copy", oci + "arm64", r + "arm64:1"}).exit_code == 0);

  auto created = hoist.Run({"index", "create", r + "multi:1", oci + "amd64", r + "arm64:1", "--annotation", "x=y"});
  INFO(created.err);
  REQUIRE(created.exit_code == 0);
  const std::string raw = SkopeoRaw(r + "multi:1");
  CHECK(hoist::Digest::Of(raw).str() == Trim(created.out));
  auto index = nlohmann::json::parse(raw);
  CHECK(index["mediaType"] == "application/vnd.oci.image.index.v1+json");
  REQUIRE(index["manifests"].size() == 2);
  CHECK(index["manifests"][0]["digest"] == amd64.digest.str());  // children keep their bytes
  CHECK(index["manifests"][0]["platform"]["architecture"] == "amd64");
  CHECK(index["manifests"][1]["platform"]["architecture"] == "arm64");
  CHECK(index["annotations"]["x"] == "y");
  auto all = RunCommand({"skopeo", "copy", "--all", "--src-tls-verify=false", r + "multi:1", "oci:" + (dir / "all") + ":x"});
  CHECK(all.exit_code == 0);  // every child and blob is there

  auto appended = hoist.Run({"index", "append", r + "multi:1", oci + "s390x"});
  INFO(appended.err);
  REQUIRE(appended.exit_code == 0);
  index = nlohmann::json::parse(SkopeoRaw(r + "multi:1"));
  REQUIRE(index["manifests"].size() == 3);
  CHECK(index["manifests"][2]["platform"]["architecture"] == "s390x");
  CHECK(index["annotations"]["x"] == "y");

  // A Docker schema 2 child: refused beside OCI ones, converted with --format.
  REQUIRE(hoist.Run({"--format", "v2s2", "copy", oci + "s390x", r + "docker:1"}).exit_code == 0);
  auto mixed = hoist.Run({"index", "create", r + "mixed:1", oci + "amd64", r + "docker:1"});
  CHECK(mixed.exit_code == 1);
  CHECK_THAT(mixed.err, Catch::Contains("mix Docker schema 2 and OCI"));
  CHECK(RunCommand({"skopeo", "inspect", "--tls-verify=false", r + "mixed:1"}).exit_code != 0);
  auto list = hoist.Run({"--format", "v2s2", "index", "create", r + "mixed:1", oci + "amd64", r + "docker:1"});
  INFO(list.err);
  REQUIRE(list.exit_code == 0);
  index = nlohmann::json::parse(SkopeoRaw(r + "mixed:1"));
  CHECK(index["mediaType"] == "application/vnd.docker.distribution.manifest.list.v2+json");
  for (const auto& m : index["manifests"]) CHECK(m["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json");
}

TEST_CASE("manifest create, annotate, remove, inspect and push keep a list in the store until pushed") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Descriptor amd64 = layout.AddImage({600}, "amd64", 21);
  Descriptor arm = layout.AddImage({600}, "arm", 22);
  layout.Name("amd64", amd64);
  layout.Name("arm", arm);
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string repo = registry->host() + "/edit/";
  REQUIRE(hoist.Run({"copy", "oci:" + layout.dir() + ":arm", "docker://" + repo + "arm:1"}).exit_code == 0);
  const std::string list = repo + "list:1";

  auto created = hoist.Run({"manifest", "create", list, "oci:" + layout.dir() + ":amd64", repo + "arm:1"});
  INFO(created.err);
  REQUIRE(created.exit_code == 0);
  CHECK(hoist.Run({"manifest", "create", list, repo + "arm:1"}).exit_code == 1);  // exists: --amend
  REQUIRE(hoist.Run({"manifest", "annotate", list, repo + "arm:1", "--variant", "v7", "--annotation", "n=1"}).exit_code ==
          0);
  auto shown = nlohmann::json::parse(hoist.Run({"manifest", "inspect", list}).out);
  REQUIRE(shown["manifests"].size() == 2);
  CHECK(shown["manifests"][1]["platform"]["variant"] == "v7");
  CHECK(RunCommand({"skopeo", "inspect", "--tls-verify=false", "docker://" + list}).exit_code != 0);  // not pushed yet

  auto pushed = hoist.Run({"manifest", "push", list, "--purge"});
  INFO(pushed.err);
  REQUIRE(pushed.exit_code == 0);
  auto index = nlohmann::json::parse(SkopeoRaw("docker://" + list));
  CHECK(hoist::Digest::Of(SkopeoRaw("docker://" + list)).str() == Trim(pushed.out));
  REQUIRE(index["manifests"].size() == 2);
  CHECK(index["manifests"][0]["digest"] == amd64.digest.str());
  CHECK(index["manifests"][1]["platform"]["variant"] == "v7");
  CHECK(index["manifests"][1]["annotations"]["n"] == "1");
  auto all = RunCommand({"skopeo", "copy", "--all", "--src-tls-verify=false", "docker://" + list,
                         "oci:" + (dir / "all") + ":x"});
  CHECK(all.exit_code == 0);
  // --purge forgot the list: inspect now reads the registry's index.
  auto remote = hoist.Run({"manifest", "inspect", list});
  CHECK(nlohmann::json::parse(remote.out)["manifests"].size() == 2);
  auto gone = hoist.Run({"manifest", "remove", list, repo + "arm:1"});
  CHECK(gone.exit_code == 3);
  CHECK_THAT(gone.err, Catch::Contains("there is no manifest list"));
}

TEST_CASE("copy --compress zstd --force-compression recompresses gzip layers with the same diff_ids, reproducibly") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  ImportImage(dir, "example.com/z/a:1", "a");
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string dst = "docker://" + registry->host() + "/edit/zstd:1";
  auto r = hoist.Report({"copy", "example.com/z/a:1", dst, "--compress", "zstd", "--force-compression"});
  auto again = hoist.Report({"copy", "example.com/z/a:1", dst + "-again", "--compress", "zstd", "--force-compression"});
  CHECK(again["images"][0]["digest"] == r["images"][0]["digest"]);
  auto copy = RunCommand({"skopeo", "copy", "--src-tls-verify=false", dst, "oci:" + (dir / "out") + ":x"});
  INFO(copy.err);
  REQUIRE(copy.exit_code == 0);
  auto manifest = LayoutManifest(dir / "out");
  REQUIRE(manifest["layers"].size() == 1);
  CHECK(manifest["layers"][0]["mediaType"] == "application/vnd.oci.image.layer.v1.tar+zstd");
  std::string layer = manifest["layers"][0]["digest"], config_digest = manifest["config"]["digest"];
  auto config = ReadJson(dir / "out/blobs/sha256/" + config_digest.substr(7));
  auto sum = Sh("zstd -dc " + dir / "out/blobs/sha256/" + layer.substr(7) + " | sha256sum | cut -c1-64");
  CHECK("sha256:" + sum.out.substr(0, 64) == config["rootfs"]["diff_ids"][0].get<std::string>());

  // Without --force-compression a gzip layer stays as it is; bad values are refused.
  auto kept = hoist.Report({"copy", "example.com/z/a:1", dst + "-kept", "--compress", "zstd"});
  CHECK(kept["images"][0]["digest"] != r["images"][0]["digest"]);
  CHECK(hoist.Run({"copy", "example.com/z/a:1", dst + "-bad", "--compress", "lz4"}).exit_code == 2);
  CHECK(hoist.Run({"copy", "example.com/z/a:1", dst + "-bad", "--compress", "gzip", "--compression-level", "12"})
            .exit_code == 2);
  auto docker = hoist.Run({"--format", "v2s2", "copy", "example.com/z/a:1", dst + "-bad", "--compress", "zstd",
                           "--force-compression"});
  CHECK(docker.exit_code == 1);
  CHECK_THAT(docker.err, Catch::Contains("Docker schema 2 has no zstd layers"));
}
