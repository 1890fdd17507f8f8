#pragma once
// Hand-written OCI layouts for the transfer tests (no tool needed to make them), and running
// `hoist` copy/pull/push with a JSON report.

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/descriptor.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "support/registry_fixture.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hoist::transfer_test {

// Incompressible, deterministic bytes.
inline std::string RandomBytes(size_t n, uint64_t seed) {
  std::string s(n, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s[i] = static_cast<char>(x >> 24);
  }
  return s;
}

class Layout {
 public:
  explicit Layout(std::string dir) : dir_(std::move(dir)) {
    ::mkdir(dir_.c_str(), 0755);
    ::mkdir((dir_ + "/blobs").c_str(), 0755);
    ::mkdir((dir_ + "/blobs/sha256").c_str(), 0755);
    testing::WriteFile(dir_ + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    Save();
  }
  const std::string& dir() const { return dir_; }
  std::string BlobPath(const Digest& d) const { return dir_ + "/blobs/sha256/" + d.hex(); }

  Descriptor AddBlob(const std::string& content, std::string media_type) {
    Descriptor d = Descriptor::For(std::move(media_type), content);
    testing::WriteFile(BlobPath(d.digest), content);
    return d;
  }

  // A one-platform image with layers of the given sizes.
  Descriptor AddImage(const std::vector<size_t>& layer_sizes, const std::string& arch, uint64_t seed) {
    std::vector<Descriptor> layers;
    std::string diff_ids;
    for (size_t i = 0; i < layer_sizes.size(); ++i) {
      layers.push_back(AddBlob(RandomBytes(layer_sizes[i], seed * 1000 + i), std::string(kOciLayerGzip)));
      if (!diff_ids.empty()) diff_ids += ",";
      diff_ids += "\"" + Digest::Of("diff" + std::to_string(seed) + "-" + std::to_string(i)).str() + "\"";
    }
    std::string config = R"({"architecture":")" + arch + R"(","os":"linux","rootfs":{"type":"layers","diff_ids":[)" +
                         diff_ids + "]}}";
    Descriptor c = AddBlob(config, std::string(kOciConfig));
    Manifest m(std::string(kOciManifest), c, layers);
    return AddBlob(m.raw(), std::string(kOciManifest));
  }

  Descriptor AddIndex(const std::vector<std::pair<Descriptor, std::string>>& children) {
    std::vector<Descriptor> entries;
    for (auto [d, p] : children) {
      d.platform = *Platform::Parse(p);
      entries.push_back(d);
    }
    Index idx(std::string(kOciIndex), entries);
    return AddBlob(idx.raw(), std::string(kOciIndex));
  }

  void Name(const std::string& name, Descriptor d) {
    d.platform.reset();
    d.annotations["org.opencontainers.image.ref.name"] = name;
    entries_.push_back(d);
    Save();
  }

 private:
  void Save() {
    nlohmann::ordered_json j = {{"schemaVersion", 2}, {"mediaType", std::string(kOciIndex)}};
    j["manifests"] = nlohmann::ordered_json::array();
    for (const auto& e : entries_) j["manifests"].push_back(ToJson(e));
    testing::WriteFile(dir_ + "/index.json", j.dump());
  }
  std::string dir_;
  std::vector<Descriptor> entries_;
};

struct Hoist {
  std::string store;
  std::vector<std::string> registries;  // hosts allowed over plain HTTP

  testing::CommandResult Run(std::vector<std::string> args) const {
    std::vector<std::string> all = {"--store", store, "--progress", "none"};
    all.insert(all.end(), args.begin(), args.end());
    for (const auto& h : registries) {
      all.push_back("--insecure-registry");
      all.push_back(h);
    }
    return testing::RunHoist(all);
  }
  // Runs with --format json and expects success; returns the report.
  nlohmann::json Report(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--format", "json"});
    auto r = Run(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    REQUIRE(j.is_object());
    return j;
  }
};

inline std::string DigestOf(const nlohmann::json& report) {
  return report["images"].back()["digest"].get<std::string>();
}

}  // namespace hoist::transfer_test
