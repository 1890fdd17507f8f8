#pragma once
// Shared by the archive integration tests: a store with a small image made by `hoist import`,
// and reading OCI layouts that skopeo writes.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hoist::testing {

inline std::vector<std::string> StoreEnv(const TempDir& dir) { return {"HOIST_STORE=" + dir / "store"}; }

inline CommandResult Sh(const std::string& script, const std::vector<std::string>& env = {}) {
  return RunCommand({"sh", "-c", script}, env);
}

inline std::string Quoted(const std::string& s) { return "'" + s + "'"; }

// `hoist import` of a tiny root filesystem (a file named after `seed`) as `ref`.
inline void ImportImage(const TempDir& dir, const std::string& ref, const std::string& seed) {
  std::string rootfs = dir / ("rootfs-" + seed);
  auto mk = Sh("mkdir -p " + rootfs + "/etc " + rootfs + "/bin && echo " + seed + " > " + rootfs + "/etc/" + seed +
               " && head -c 300000 /dev/urandom > " + rootfs + "/bin/blob-" + seed + " && tar -C " + rootfs +
               " -cf " + rootfs + ".tar .");
  REQUIRE(mk.exit_code == 0);
  auto r = RunHoist({"import", rootfs + ".tar", ref, "--change", "CMD [\"/bin/sh\"]"}, StoreEnv(dir));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

inline nlohmann::json ReadJson(const std::string& path) {
  auto j = nlohmann::json::parse(ReadFile(path), nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

// The single image manifest of an OCI layout directory.
inline nlohmann::json LayoutManifest(const std::string& layout, std::string* digest = nullptr) {
  auto index = ReadJson(layout + "/index.json");
  REQUIRE(index["manifests"].size() >= 1);
  std::string d = index["manifests"][0]["digest"];
  if (digest) *digest = d;
  return ReadJson(layout + "/blobs/sha256/" + d.substr(7));
}

inline std::vector<std::string> LayerDigests(const nlohmann::json& manifest) {
  std::vector<std::string> out;
  for (const auto& l : manifest["layers"]) out.push_back(l["digest"]);
  return out;
}

// `hoist inspect`-free look at what the store names: its manifest for `ref`.
inline nlohmann::json StoreManifest(const TempDir& dir, const std::string& full_ref, std::string* digest = nullptr) {
  auto index = ReadJson(dir / "store/index.json");
  for (const auto& m : index["manifests"]) {
    if (m.contains("annotations") && m["annotations"].value("org.opencontainers.image.ref.name", "") == full_ref) {
      std::string d = m["digest"];
      if (digest) *digest = d;
      return ReadJson(dir / ("store/blobs/sha256/" + d.substr(7)));
    }
  }
  FAIL("no " << full_ref << " in the store");
  return {};
}

}  // namespace hoist::testing
