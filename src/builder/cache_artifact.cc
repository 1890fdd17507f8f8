#include "builder/cache_artifact.h"

#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "core/manifest.h"
#include "core/media_types.h"

namespace hoist::builder {

Result<Descriptor> WriteCacheArtifact(store::OciLayout& layout, const std::map<Digest, CachedStep>& steps) {
  nlohmann::ordered_json config;
  config["hoist-build-cache"] = 1;
  config["steps"] = nlohmann::ordered_json::object();
  std::vector<Descriptor> layers;
  std::map<Digest, bool> seen;
  for (const auto& [key, step] : steps) {
    config["steps"][key.str()] = CachedStepToJson(step);
    if (step.layer && !seen[step.layer->digest]) {
      seen[step.layer->digest] = true;
      layers.push_back(*step.layer);
    }
  }
  HOIST_TRY_ASSIGN(Descriptor config_blob, layout.PutBytes(DumpJson(config), kCacheConfigType));
  Manifest manifest(std::string(kOciManifest), config_blob, layers);
  manifest.set_artifact_type(kCacheArtifactType);
  return layout.PutBytes(manifest.raw(), manifest.media_type());
}

namespace {

// The blob `d` of `source`, verified, into the store unless it is there.
Status FetchBlob(store::OciLayout& layout, transfer::ImageSource& source, const Descriptor& d) {
  if (layout.HasBlob(d.digest)) return Ok();
  HOIST_TRY_ASSIGN(auto reader, source.GetBlob(d, 0));
  auto put = layout.PutBlob(*reader, d.digest, d.size);
  if (!put.ok()) return std::move(put).error().WithContext("blob " + d.digest.str());
  return Ok();
}

}  // namespace

Result<size_t> ImportCacheArtifact(store::OciLayout& layout, transfer::ImageSource& source) {
  const std::string what = "build cache " + source.Describe();
  auto bytes = source.GetManifest(std::nullopt);
  if (!bytes.ok()) return std::move(bytes).error().WithContext(what);
  auto any = ParseAnyManifest(bytes->bytes, bytes->media_type);
  if (!any.ok()) return std::move(any).error().WithContext(what);
  const Manifest* m = std::get_if<Manifest>(&*any);
  if (!m || m->config().media_type != kCacheConfigType) {
    return InvalidArgument(what + " is not a hoist build cache (its config is not " + std::string(kCacheConfigType) +
                           "); write one with hoist build --cache-to");
  }
  if (m->config().size < 0 || static_cast<uint64_t>(m->config().size) > kMaxCacheConfigBytes) {
    return TooLarge(what + ": its config is " + std::to_string(m->config().size) + " bytes, over the limit of " +
                    std::to_string(kMaxCacheConfigBytes) + " (kMaxCacheConfigBytes)");
  }
  Status fetched = FetchBlob(layout, source, m->config());
  if (!fetched.ok()) return std::move(fetched).error().WithContext(what);
  HOIST_TRY_ASSIGN(std::string text, layout.ReadBlob(m->config().digest, kMaxCacheConfigBytes));
  auto parsed = ParseOrderedJson(text);
  if (!parsed.ok()) return std::move(parsed).error().WithContext(what + ": config");
  const nlohmann::ordered_json& config = *parsed;
  if (!config.is_object() || !config.contains("steps") || !config["steps"].is_object()) {
    return InvalidArgument(what + ": config has no \"steps\" object");
  }
  const auto& steps = config["steps"];
  if (steps.size() > kMaxCacheSteps) {
    return TooLarge(what + ": " + std::to_string(steps.size()) + " steps, over the limit of " +
                    std::to_string(kMaxCacheSteps) + " (kMaxCacheSteps)");
  }
  // Every record is checked before anything is added: a damaged cache adds nothing.
  std::map<Digest, bool> listed;
  for (const auto& l : m->layers()) listed[l.digest] = true;
  std::vector<std::pair<Digest, CachedStep>> records;
  for (const auto& [key_text, record] : steps.items()) {
    auto key = Digest::Parse(key_text);
    auto step = CachedStepFromJson(record);
    if (!key.ok() || !step) return InvalidArgument(what + ": step \"" + key_text + "\" is malformed");
    if (step->layer && !listed[step->layer->digest]) {
      return InvalidArgument(what + ": step " + key_text + " names layer " + step->layer->digest.str() +
                             " that the cache does not hold");
    }
    records.emplace_back(*key, *step);
  }
  for (const auto& l : m->layers()) {
    Status fetched = FetchBlob(layout, source, l);
    if (!fetched.ok()) return std::move(fetched).error().WithContext(what);
  }
  BuildCache cache(layout);
  for (const auto& [key, step] : records) {
    if (!cache.Lookup(key)) HOIST_TRY(cache.Store(key, step));
  }
  return records.size();
}

}  // namespace hoist::builder
