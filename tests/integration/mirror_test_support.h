#pragma once
// A source registry for the mirror tests: repositories of tiny images (one multi-platform, one
// signed with a cosign-style .sig tag), seeded with `hoist copy` from a hand-written layout.

#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/registry_fixture.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "transfer_test_support.h"

namespace hoist::mirror_test {

using transfer_test::Hoist;
using transfer_test::Layout;

struct Upstream {
  std::string host;  // registry A
  Layout layout;
  Hoist hoist;
  std::map<std::string, std::string> digests;  // "app0:1.0.0" → digest
  std::string signature_tag;                   // of app0:1.0.0
  std::string signature_digest;
  uint64_t seed = 100;

  Upstream(const std::string& dir, std::string a, std::vector<std::string> registries)
      : host(std::move(a)), layout(dir + "/src"), hoist{dir + "/store", std::move(registries)} {}

  void Push(const std::string& name, const Descriptor& d) {
    layout.Name(name, d);
    auto r = hoist.Run({"copy", "oci:" + layout.dir() + ":" + name, "docker://" + host + "/" + name});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    digests[name] = d.digest.str();
  }
  // A new single-platform image of two tiny layers.
  void AddImage(const std::string& name) { Push(name, layout.AddImage({600, 900}, "amd64", ++seed)); }
  void AddMulti(const std::string& name) {
    Descriptor amd = layout.AddImage({500}, "amd64", ++seed), arm = layout.AddImage({500}, "arm64", ++seed);
    Push(name, layout.AddIndex({{amd, "linux/amd64"}, {arm, "linux/arm64"}}));
  }
  // A cosign-style signature manifest under sha256-<hex>.sig next to `name`.
  void Sign(const std::string& name) {
    const std::string subject = digests.at(name);
    Descriptor config = layout.AddBlob("{}", std::string(kOciConfig));
    Descriptor payload = layout.AddBlob(R"({"critical":{"image":{"docker-manifest-digest":")" + subject + R"("}}})",
                                        "application/vnd.dev.cosign.simplesigning.v1+json");
    payload.annotations["dev.cosignproject.cosign/signature"] = "ZmFrZQ==";
    Manifest m(std::string(kOciManifest), config, {payload});
    Descriptor sig = layout.AddBlob(m.raw(), std::string(kOciManifest));
    const std::string repo = name.substr(0, name.find(':'));
    signature_tag = "sha256-" + subject.substr(7) + ".sig";
    Push(repo + ":" + signature_tag, sig);
    signature_digest = sig.digest.str();
  }
  // An OCI referrer of `name` (an SBOM artifact manifest) kept the way a registry without the
  // referrers API keeps it: in an index under the referrers tag sha256-<hex>.
  // Returns that tag; digests["<repo>:<tag>"] is the index's digest.
  std::string Refer(const std::string& name) {
    const std::string subject = digests.at(name);
    Descriptor config = layout.AddBlob("{}", "application/vnd.oci.empty.v1+json");
    Descriptor payload = layout.AddBlob("{\"sbom\":\"" + name + "\"}", "application/spdx+json");
    Manifest m(std::string(kOciManifest), config, {payload});
    m.set_artifact_type("application/spdx+json");
    Descriptor referrer = layout.AddBlob(m.raw(), std::string(kOciManifest));
    referrer.artifact_type = "application/spdx+json";
    Index index(std::string(kOciIndex), {referrer});
    Descriptor d = layout.AddBlob(index.raw(), std::string(kOciIndex));
    const std::string tag = "sha256-" + subject.substr(7);
    Push(name.substr(0, name.find(':')) + ":" + tag, d);
    return tag;
  }
};

// The standard upstream: app0..app5 × 1.0.0, 1.1.0, 2.0.0; multi:1.0.0; app0:1.0.0 signed.
inline void Populate(Upstream& up) {
  for (int r = 0; r < 6; ++r) {
    for (const char* t : {"1.0.0", "1.1.0", "2.0.0"}) up.AddImage("app" + std::to_string(r) + ":" + t);
  }
  up.AddMulti("multi:1.0.0");
  up.Sign("app0:1.0.0");
}

// name → digest of a mirror summary's images with the given outcome.
inline std::map<std::string, std::string> Outcomes(const nlohmann::json& summary, const std::string& outcome) {
  std::map<std::string, std::string> out;
  for (const auto& i : summary["images"]) {
    if (i["outcome"] == outcome) out[i["name"].get<std::string>()] = i["digest"].get<std::string>();
  }
  return out;
}

// The digest a registry serves for host/name (a tag or digest reference), "" when missing.
inline std::string RemoteDigest(const std::string& host, const std::string& name) {
  auto r = testing::RunCommand({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + host + "/" + name});
  return r.exit_code == 0 ? Digest::Of(r.out).str() : "";
}

}  // namespace hoist::mirror_test
