#include "builder/build_cache.h"

#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "core/json_parse.h"

namespace hoist::builder {

namespace {
constexpr uint64_t kMaxRecordSize = 64 * 1024;
}

Digest CacheKey(const Digest& parent, std::initializer_list<std::string_view> parts) {
  Hasher h;
  h.Update("hoist-build-cache-v1\n");
  h.Update(parent.str());
  for (auto p : parts) {
    h.Update("\n" + std::to_string(p.size()) + ":");
    h.Update(p);
  }
  return h.Finish();
}

std::string BuildCache::PathOf(const Digest& key) const {
  return layout_.paths().BuildCacheDir() + "/" + key.hex() + ".json";
}

nlohmann::ordered_json CachedStepToJson(const CachedStep& step) {
  nlohmann::ordered_json j;
  j["layer"] = step.layer ? ToJson(*step.layer) : nlohmann::ordered_json();
  j["diff_id"] = step.diff_id.str();
  j["created"] = step.created;
  return j;
}

std::optional<CachedStep> CachedStepFromJson(const nlohmann::ordered_json& j) {
  if (!j.is_object() || !j.contains("diff_id") || !j["diff_id"].is_string() || !j.contains("created") ||
      !j["created"].is_string()) {
    return std::nullopt;
  }
  CachedStep step;
  auto diff_id = Digest::Parse(j["diff_id"].get<std::string>());
  if (!diff_id.ok()) return std::nullopt;
  step.diff_id = *diff_id;
  step.created = j["created"].get<std::string>();
  if (j.contains("layer") && !j["layer"].is_null()) {
    auto layer = DescriptorFromJson(j["layer"], "layer");
    if (!layer.ok()) return std::nullopt;
    step.layer = *layer;
  }
  return step;
}

std::optional<CachedStep> BuildCache::Lookup(const Digest& key) const {
  auto text = ReadFileToString(PathOf(key), kMaxRecordSize);
  if (!text.ok()) return std::nullopt;
  auto parsed = ParseOrderedJson(*text);
  if (!parsed.ok()) return std::nullopt;
  auto step = CachedStepFromJson(*parsed);
  if (!step || (step->layer && !layout_.HasBlob(step->layer->digest))) return std::nullopt;
  return step;
}

Status BuildCache::Store(const Digest& key, const CachedStep& step) const {
  HOIST_TRY(MakeDirs(layout_.paths().BuildCacheDir(), 0700));
  return AtomicWriteFile(PathOf(key), DumpJson(CachedStepToJson(step)) + "\n", 0600);
}

std::optional<Descriptor> BuildCache::LookupImage(const Digest& chain) const {
  auto record = Lookup(CacheKey(chain, {"IMAGE"}));
  if (!record || !record->layer) return std::nullopt;
  return record->layer;
}

Status BuildCache::StoreImage(const Digest& chain, const Descriptor& manifest) const {
  return Store(CacheKey(chain, {"IMAGE"}), CachedStep{manifest, manifest.digest, ""});
}

}  // namespace hoist::builder
