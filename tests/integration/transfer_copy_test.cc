// copy, pull and push between registries, the store and oci: layouts, as a user runs them.

#include <catch2/catch.hpp>

#include "support/registry_fixture.h"
#include "support/temp_dir.h"
#include "transfer_test_support.h"

using namespace hoist;
using hoist::testing::RegistryVariant;
using hoist::testing::RunCommand;
using hoist::testing::TempDir;
using namespace hoist::transfer_test;

namespace {

struct Images {
  Descriptor single, amd64, arm64, index;
};

Images MakeImages(Layout& l) {
  Images im;
  im.single = l.AddImage({300 * 1024, 20 * 1024}, "amd64", 1);
  im.amd64 = l.AddImage({200 * 1024, 1000}, "amd64", 2);
  im.arm64 = l.AddImage({200 * 1024, 2000}, "arm64", 3);
  im.index = l.AddIndex({{im.amd64, "linux/amd64"}, {im.arm64, "linux/arm64"}});
  l.Name("single", im.single);
  l.Name("multi", im.index);
  return im;
}

}  // namespace

TEST_CASE("every pair among two registries, the store and oci: keeps digests, single and multi-platform") {
  HOIST_REQUIRE_REGISTRY_AS(a, RegistryVariant::kPlain);
  HOIST_REQUIRE_REGISTRY_AS(b, RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Images im = MakeImages(layout);
  Hoist hoist{dir / "store", {a->host(), b->host()}};

  for (auto [name, want] : {std::pair<std::string, Descriptor>{"single", im.single}, {"multi", im.index}}) {
    INFO(name);
    const std::string w = want.digest.str();
    const std::string ra = "docker://" + a->host() + "/team/" + name + ":1";
    const std::string rb = "docker://" + b->host() + "/mirror/" + name + ":1";
    const std::string store = a->host() + "/stored/" + name + ":1";
    const std::string oci = "oci:" + (dir / ("out-" + name)) + ":copied";
    CHECK(DigestOf(hoist.Report({"copy", "oci:" + layout.dir() + ":" + name, ra})) == w);  // oci → A
    CHECK(DigestOf(hoist.Report({"copy", ra, rb})) == w);                                // A → B
    CHECK(DigestOf(hoist.Report({"copy", rb, store})) == w);                             // B → store
    CHECK(DigestOf(hoist.Report({"copy", store, oci})) == w);                            // store → oci
    CHECK(DigestOf(hoist.Report({"copy", oci, rb + "-again"})) == w);                    // oci → B
    CHECK(DigestOf(hoist.Report({"copy", rb, "oci:" + (dir / "direct") + ":" + name})) == w);  // B → oci
    CHECK(DigestOf(hoist.Report({"copy", store, ra + "-from-store"})) == w);            // store → A
    CHECK(DigestOf(hoist.Report({"push", store, rb + "-pushed"})) == w);                // push
    // skopeo, a peer, reads what hoist wrote.
    auto inspected = RunCommand({"skopeo", "inspect", "--raw", "--tls-verify=false", rb + "-pushed"});
    REQUIRE(inspected.exit_code == 0);
    CHECK(Digest::Of(inspected.out).str() == w);
    auto from_layout = RunCommand({"skopeo", "inspect", "--raw", oci});
    INFO(from_layout.err);
    REQUIRE(from_layout.exit_code == 0);
    CHECK(Digest::Of(from_layout.out).str() == w);
  }
}

TEST_CASE("pull takes this machine's platform from an index unless --all or --platform") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  // Two platforms, one of them this machine's.
  Descriptor host = layout.AddImage({1000}, Platform::Host().architecture, 7);
  Descriptor other = layout.AddImage({1000}, "s390x", 8);
  Descriptor index = layout.AddIndex({{host, Platform::Host().str()}, {other, "linux/s390x"}});
  layout.Name("multi", index);
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string ref = registry->host() + "/app:1";
  hoist.Report({"copy", "oci:" + layout.dir() + ":multi", "docker://" + ref});

  CHECK(DigestOf(hoist.Report({"pull", ref})) == host.digest.str());
  CHECK(DigestOf(hoist.Report({"pull", "--platform", "linux/s390x", ref})) == other.digest.str());
  CHECK(DigestOf(hoist.Report({"pull", "--all", ref})) == index.digest.str());
}

TEST_CASE("running a finished copy again moves no blob bytes") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Images im = MakeImages(layout);
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string dst = "docker://" + registry->host() + "/app:multi";
  auto first = hoist.Report({"copy", "oci:" + layout.dir() + ":multi", dst});
  CHECK(first["copied"] == 6);
  auto again = hoist.Report({"copy", "oci:" + layout.dir() + ":multi", dst});
  CHECK(again["copied"] == 0);
  CHECK(again["bytes"] == 0);
  CHECK(again["reused"] == 6);
  // Pull twice into the store: the second moves nothing either.
  hoist.Report({"pull", "--all", registry->host() + "/app:multi"});
  auto pulled_again = hoist.Report({"pull", "--all", registry->host() + "/app:multi"});
  CHECK(pulled_again["bytes"] == 0);
  CHECK(pulled_again["copied"] == 0);
}

TEST_CASE("a copy to another repository of the same registry mounts, and re-tagging sends only the manifest") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Images im = MakeImages(layout);
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string src = "docker://" + registry->host() + "/team/app:1";
  hoist.Report({"copy", "oci:" + layout.dir() + ":single", src});
  auto mounted = hoist.Report({"copy", src, "docker://" + registry->host() + "/other/app:1"});
  CHECK(mounted["mounted"] == 3);
  CHECK(mounted["copied"] == 0);
  CHECK(mounted["bytes"] == 0);
  auto retag = hoist.Report({"copy", src, "docker://" + registry->host() + "/team/app:2"});
  CHECK(retag["reused"] == 3);
  CHECK(retag["bytes"] == 0);
  CHECK(DigestOf(retag) == im.single.digest.str());
}

TEST_CASE("a corrupted source blob fails the copy and the destination gets no manifest") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Images im = MakeImages(layout);
  // Flip one byte of the big layer.
  Manifest m = *Manifest::Parse(testing::ReadFile(layout.BlobPath(im.single.digest)));
  const std::string path = layout.BlobPath(m.layers()[0].digest);
  std::string bytes = testing::ReadFile(path);
  bytes[bytes.size() / 2] ^= 0x01;
  testing::WriteFile(path, bytes);

  Hoist hoist{dir / "store", {registry->host()}};
  const std::string dst = "docker://" + registry->host() + "/app:1";
  for (const std::string& to : {dst, std::string("oci:") + (dir / "out") + ":x", registry->host() + "/app:1"}) {
    INFO(to);
    auto r = hoist.Run({"copy", "oci:" + layout.dir() + ":single", to});
    CHECK(r.exit_code == 5);
    CHECK(r.err.find(m.layers()[0].digest.str()) != std::string::npos);
    CHECK(r.err.find("digest") != std::string::npos);
  }
  auto inspect = hoist.Run({"inspect", "--raw", dst});
  CHECK(inspect.exit_code == 3);
  CHECK(testing::ReadFile(dir / "out/index.json").find("\"x\"") == std::string::npos);
}

TEST_CASE("signatures travel with the image unless --no-signatures") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Images im = MakeImages(layout);
  Descriptor payload = layout.AddBlob(R"({"critical":{"image":{"docker-manifest-digest":")" + im.single.digest.str() +
                                          R"("}}})",
                                      "application/vnd.dev.cosign.simplesigning.v1+json");
  Descriptor empty = layout.AddBlob("{}", std::string(kOciEmpty));
  Manifest sig(std::string(kOciManifest), empty, {payload});
  Descriptor sig_d = layout.AddBlob(sig.raw(), std::string(kOciManifest));
  const std::string sig_tag = "sha256-" + im.single.digest.hex() + ".sig";
  layout.Name(sig_tag, sig_d);

  Hoist hoist{dir / "store", {registry->host()}};
  const std::string a = "docker://" + registry->host() + "/signed/app:1";
  hoist.Report({"copy", "oci:" + layout.dir() + ":single", a});
  auto tags = hoist.Run({"tags", "docker://" + registry->host() + "/signed/app"});
  REQUIRE(tags.exit_code == 0);
  CHECK(tags.out.find(sig_tag) != std::string::npos);

  // Registry → registry, and registry → store → registry keep it too.
  const std::string b = "docker://" + registry->host() + "/copied/app:1";
  hoist.Report({"copy", a, b});
  auto copied = RunCommand({"skopeo", "inspect", "--raw", "--tls-verify=false",
                            "docker://" + registry->host() + "/copied/app:" + sig_tag});
  REQUIRE(copied.exit_code == 0);
  CHECK(Digest::Of(copied.out) == sig_d.digest);

  hoist.Report({"copy", "--no-signatures", a, "docker://" + registry->host() + "/unsigned/app:1"});
  auto unsigned_tags = hoist.Run({"tags", "docker://" + registry->host() + "/unsigned/app"});
  CHECK(unsigned_tags.out.find(sig_tag) == std::string::npos);
}

TEST_CASE("copy --all-tags copies a whole repository") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Images im = MakeImages(layout);
  Hoist hoist{dir / "store", {registry->host()}};
  hoist.Report({"copy", "oci:" + layout.dir() + ":single", "docker://" + registry->host() + "/app:a"});
  hoist.Report({"copy", "oci:" + layout.dir() + ":multi", "docker://" + registry->host() + "/app:b"});
  auto all = hoist.Report({"copy", "--all-tags", "docker://" + registry->host() + "/app",
                           "docker://" + registry->host() + "/backup/app"});
  CHECK(all["images"].size() == 2);
  auto tags = hoist.Run({"tags", "docker://" + registry->host() + "/backup/app"});
  CHECK(tags.out.find("a") != std::string::npos);
  CHECK(tags.out.find("b") != std::string::npos);
}

TEST_CASE("transfer commands reject bad locations with usage errors") {
  TempDir dir;
  Hoist hoist{dir / "store", {}};
  CHECK(hoist.Run({"copy", "only-one"}).exit_code == 2);
  CHECK(hoist.Run({"copy", "ftp://x/y", "oci:/tmp/x"}).exit_code == 2);
  CHECK(hoist.Run({"push", "oci:/tmp/x", "docker://localhost:1/x"}).exit_code == 2);
  CHECK(hoist.Run({"pull", "--jobs", "0", "localhost:1/x"}).exit_code == 2);
  CHECK(hoist.Run({"pull", "--all", "--platform", "linux/amd64", "localhost:1/x"}).exit_code == 2);
  auto missing = hoist.Run({"push", "localhost:1/never:1"});
  CHECK(missing.exit_code == 3);
}

TEST_CASE("copy --format v2s2 and --format oci convert manifests on the way, blobs and image IDs unchanged") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Images im = MakeImages(layout);
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string dst = "docker://" + registry->host() + "/conv/multi:1";
  auto to_docker = hoist.Run({"--format", "v2s2", "copy", "oci:" + layout.dir() + ":multi", dst});
  INFO(to_docker.err);
  REQUIRE(to_docker.exit_code == 0);
  CHECK_THAT(to_docker.err + to_docker.out, Catch::Contains("converted to Docker schema 2 media types"));
  auto raw = RunCommand({"skopeo", "inspect", "--raw", "--tls-verify=false", dst});
  INFO(raw.err);
  REQUIRE(raw.exit_code == 0);
  auto list = nlohmann::json::parse(raw.out);
  CHECK(list["mediaType"] == "application/vnd.docker.distribution.manifest.list.v2+json");
  REQUIRE(list["manifests"].size() == 2);
  auto child = RunCommand({"skopeo", "inspect", "--raw", "--tls-verify=false",
                           "docker://" + registry->host() + "/conv/multi@" + list["manifests"][0]["digest"].get<std::string>()});
  REQUIRE(child.exit_code == 0);
  auto m = nlohmann::json::parse(child.out);
  CHECK(m["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json");
  CHECK(m["config"]["mediaType"] == "application/vnd.docker.container.image.v1+json");
  CHECK(m["layers"][0]["mediaType"] == "application/vnd.docker.image.rootfs.diff.tar.gzip");

  // Back to OCI: the very documents hoist started from.
  auto back = hoist.Run({"--format", "oci", "copy", dst, "oci:" + (dir / "back") + ":1"});
  INFO(back.err);
  REQUIRE(back.exit_code == 0);
  auto index = nlohmann::json::parse(testing::ReadFile(dir / "back/index.json"));
  CHECK(index["manifests"][0]["digest"] == im.index.digest.str());
  // Pull converts too: the arm64 image comes back as it was made.
  auto pulled = hoist.Run({"--format", "oci", "pull", "--platform", "linux/arm64", registry->host() + "/conv/multi:1"});
  INFO(pulled.err);
  REQUIRE(pulled.exit_code == 0);
  CHECK_THAT(pulled.out, Catch::Contains(im.arm64.digest.str()));
  // Stored as Docker schema 2, saved as OCI.
  REQUIRE(hoist.Run({"--format", "v2s2", "pull", "--platform", "linux/amd64", registry->host() + "/conv/multi:1"})
              .exit_code == 0);
  auto saved = testing::RunHoist({"--store", hoist.store, "save", "--format", "oci", "-o", dir / "oci.tar",
                                  registry->host() + "/conv/multi:1"});
  INFO(saved.err);
  REQUIRE(saved.exit_code == 0);
  auto archived = RunCommand({"skopeo", "inspect", "--raw", "oci-archive:" + (dir / "oci.tar")});
  REQUIRE(archived.exit_code == 0);
  CHECK(nlohmann::json::parse(archived.out)["mediaType"] == "application/vnd.oci.image.manifest.v1+json");
  CHECK(Digest::Of(archived.out).str() == im.amd64.digest.str());
  // A format that is neither is a usage error.
  CHECK(hoist.Run({"--format", "v2s1", "copy", dst, "oci:" + (dir / "x")}).exit_code == 2);
}
