#pragma once
// The image configuration (OCI image config / Docker container image v1): platform, run defaults,
// the layers' diff_ids and the build history. Like Manifest, it keeps its exact bytes and every
// field it does not know, so an unchanged config keeps its digest and a changed one loses nothing.

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/digest.h"
#include "core/error.h"
#include "core/platform.h"
#include "core/spec_json.h"

namespace hoist {

// Configs carry the whole build history and every label, so they get twice a manifest's limit.
// Real ones are a few KiB; the largest seen in the wild (long histories, huge labels) stay under 1 MiB.
inline constexpr size_t kMaxConfigSize = 8 * 1024 * 1024;

// The "config" object: what a container started from the image gets by default.
struct ContainerConfig {
  std::string user;
  std::vector<std::string> env;  // "KEY=value"
  // Absent and empty differ: an image may clear its parent's entrypoint.
  std::optional<std::vector<std::string>> entrypoint;
  std::optional<std::vector<std::string>> cmd;
  std::string working_dir;
  std::map<std::string, std::string> labels;
  std::set<std::string> exposed_ports;  // "80/tcp"
  std::set<std::string> volumes;        // "/data"
  std::string stop_signal;
  // Every other key (Healthcheck, OnBuild, Shell, ArgsEscaped, Docker's legacy Hostname…), as found.
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
};

struct HistoryEntry {
  std::string created;  // RFC 3339
  std::string created_by;
  std::string author;
  std::string comment;
  bool empty_layer = false;  // true when the step added no layer (ENV, CMD, …)
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
};

class ImageConfig : public JsonDocument {
 public:
  // A new config for `platform` with no layers, no history and an empty "config" object.
  explicit ImageConfig(const Platform& platform);

  // Strict: os and architecture are required strings; rootfs is required with type "layers" and
  // diff_ids that are valid digests. Larger than kMaxConfigSize → kTooLarge before parsing.
  static Result<ImageConfig> Parse(std::string raw);

  const std::string& architecture() const { return platform_.architecture; }
  const std::string& os() const { return platform_.os; }
  const std::string& variant() const { return platform_.variant; }
  const std::string& os_version() const { return platform_.os_version; }
  const std::vector<std::string>& os_features() const { return platform_.os_features; }
  const Platform& platform() const { return platform_; }
  const std::string& created() const { return created_; }
  const std::string& author() const { return author_; }
  // nullopt when the document has no "config" object (allowed by the spec).
  const std::optional<ContainerConfig>& config() const { return config_; }
  const std::vector<Digest>& diff_ids() const { return diff_ids_; }
  const std::vector<HistoryEntry>& history() const { return history_; }

  // The config must list one diff_id per manifest layer.
  Status CheckLayers(size_t manifest_layer_count) const;

  // Each mutator updates the JSON and re-renders raw() and digest().
  void set_platform(const Platform& platform);
  void set_created(std::string created);
  void set_author(std::string author);
  void set_config(ContainerConfig config);
  void set_diff_ids(std::vector<Digest> diff_ids);
  void set_history(std::vector<HistoryEntry> history);
  // Appends a layer's diff_id and its history entry (empty_layer forced to false).
  void AddLayer(const Digest& diff_id, HistoryEntry history);
  // Appends a history entry for a step that made no layer (empty_layer forced to true).
  void AddEmptyLayerHistory(HistoryEntry history);

 private:
  ImageConfig() = default;
  void WriteHistory();
  void WriteDiffIds();

  Platform platform_;
  std::string created_;
  std::string author_;
  std::optional<ContainerConfig> config_;
  std::vector<Digest> diff_ids_;
  std::vector<HistoryEntry> history_;
};

}  // namespace hoist
