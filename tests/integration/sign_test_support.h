#pragma once
// What the signing and content-trust tests share: an image pushed by skopeo (so hoist signs
// something it did not write itself), the key password, and the registry flags.

#include <sys/stat.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/descriptor.h"
#include "core/digest.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "support/registry_fixture.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hoist::testing {

inline const std::vector<std::string> kPassword = {"COSIGN_PASSWORD=correct horse"};

// A one-layer OCI layout written by hand, named "app", for skopeo to push.
inline void WriteLayout(const std::string& dir, const std::string& seed) {
  auto blob = [&](const std::string& bytes) {
    Digest d = Digest::Of(bytes);
    testing::WriteFile(dir + "/blobs/sha256/" + d.hex(), bytes);
    return d;
  };
  REQUIRE(mkdir(dir.c_str(), 0755) == 0);
  REQUIRE(mkdir((dir + "/blobs").c_str(), 0755) == 0);
  REQUIRE(mkdir((dir + "/blobs/sha256").c_str(), 0755) == 0);
  const std::string layer = "not really a tar, but skopeo copies bytes: " + seed;
  const std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:)" +
                             Digest::Of(layer).hex() + R"("]}})";
  blob(layer);
  blob(config);
  Manifest m(std::string(kOciManifest), Descriptor::For(std::string(kOciConfig), config),
             {Descriptor::For(std::string(kOciLayerTar), layer)});
  Digest md = blob(m.raw());
  testing::WriteFile(dir + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  testing::WriteFile(dir + "/index.json",
                     R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                         md.str() + R"(","size":)" + std::to_string(m.raw().size()) +
                         R"(,"annotations":{"org.opencontainers.image.ref.name":"app"}}]})");
}

inline std::string PushWithSkopeo(const Registry& reg, const std::string& seed, const std::string& repo_tag) {
  TempDir tmp;
  WriteLayout(tmp / "layout", seed);
  auto r = RunCommand({"skopeo", "copy", "--dest-tls-verify=false", "oci:" + (tmp / "layout") + ":app",
                       "docker://" + reg.host() + "/" + repo_tag});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return "docker://" + reg.host() + "/" + repo_tag;
}

inline std::vector<std::string> With(std::vector<std::string> a, const Registry& reg) {
  a.push_back("--insecure-registry");
  a.push_back(reg.host());
  return a;
}


}  // namespace hoist::testing
