#include "store/image_summary.h"

#include <map>
#include <unordered_set>

#include "core/image_config.h"
#include "core/json_parse.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "core/spec_json.h"
#include "store/index_file.h"
#include "store/layer_sizes.h"

namespace hoist::store {

namespace {

// A manifest's facts, computed once per digest per listing.
struct ManifestFacts {
  Digest config = Digest::Of("");
  std::string created;
  std::string platform;  // from the config: "linux/amd64"
  std::vector<Descriptor> blobs;  // config and layers
  std::vector<Descriptor> layers;
  std::string problem;
};

class Summarizer {
 public:
  explicit Summarizer(const OciLayout& layout) : layout_(layout), sizes_(layout) {}
  ~Summarizer() { (void)sizes_.Save(); }  // a read-only store only loses the cache

  ImageSummary Summarize(const Descriptor& entry) {
    ImageSummary s;
    s.descriptor = entry;
    s.id = entry.digest;
    if (auto it = entry.annotations.find(kRefNameAnnotation); it != entry.annotations.end()) {
      auto ref = Reference::Parse(it->second);
      if (ref.ok() && !ref->digest()) s.name = std::move(ref).value();
    }
    std::unordered_set<Digest> counted, unpacked;
    auto count = [&](const Descriptor& d) {
      if (counted.insert(d.digest).second) s.size += d.size;
    };
    auto count_layers = [&](const ManifestFacts& f) {
      for (const auto& l : f.layers) {
        if (!unpacked.insert(l.digest).second) continue;
        auto n = sizes_.Unpacked(l);
        s.unpacked_size += n.ok() ? *n : l.size;
      }
    };
    count(entry);
    if (IsIndex(entry.media_type)) {
      s.multi_platform = true;
      auto raw = layout_.ReadBlob(entry.digest, kMaxManifestSize);
      auto index = raw.ok() ? Index::Parse(std::move(raw).value(), entry.media_type) : Result<Index>(raw.error());
      if (!index.ok()) {
        s.problem = index.error().message();
        return s;
      }
      for (const auto& child : index->manifests()) {
        if (!IsManifest(child.media_type) || !layout_.HasBlob(child.digest)) continue;
        const ManifestFacts& f = Facts(child);
        if (!f.problem.empty()) continue;
        // Attestation manifests ("unknown/unknown") are not platforms anyone runs.
        if (child.platform && child.platform->os == "unknown") continue;
        count(child);
        for (const auto& b : f.blobs) count(b);
        count_layers(f);
        s.platforms.push_back(child.platform ? child.platform->str() : f.platform);
        if (f.created > s.created) s.created = f.created;
      }
      return s;
    }
    if (!IsManifest(entry.media_type)) {
      s.problem = "not an image (" + entry.media_type + ")";
      return s;
    }
    const ManifestFacts& f = Facts(entry);
    s.problem = f.problem;
    if (f.problem.empty()) {
      s.id = f.config;
      s.created = f.created;
      for (const auto& b : f.blobs) count(b);
      count_layers(f);
    }
    return s;
  }

 private:
  const ManifestFacts& Facts(const Descriptor& d) {
    auto it = facts_.find(d.digest.str());
    if (it != facts_.end()) return it->second;
    ManifestFacts& f = facts_[d.digest.str()];
    auto raw = layout_.ReadBlob(d.digest, kMaxManifestSize);
    if (!raw.ok()) {
      f.problem = raw.error().message();
      return f;
    }
    auto m = Manifest::Parse(std::move(raw).value(), d.media_type);
    if (!m.ok()) {
      f.problem = m.error().message();
      return f;
    }
    f.config = m->config().digest;
    f.blobs.push_back(m->config());
    for (const auto& l : m->layers()) f.blobs.push_back(l);
    f.layers = m->layers();
    if (IsConfig(m->config().media_type)) ReadConfigFacts(m->config(), f);
    return f;
  }

  // Only "created" and the platform are needed: a plain parse, not the full ImageConfig checks.
  void ReadConfigFacts(const Descriptor& config, ManifestFacts& f) {
    auto raw = layout_.ReadBlob(config.digest, kMaxConfigSize);
    if (!raw.ok()) {
      f.problem = raw.error().message();
      return;
    }
    auto parsed = ParseJson(*raw);
    const nlohmann::json doc = parsed.ok() ? std::move(parsed).value() : nlohmann::json();
    if (!doc.is_object()) {
      f.problem = "config " + config.digest.str() + " is not a JSON object";
      return;
    }
    auto str = [&](const char* key) {
      auto it = doc.find(key);
      return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    f.created = str("created");
    f.platform = str("os") + "/" + str("architecture");
    if (std::string v = str("variant"); !v.empty()) f.platform += "/" + v;
  }

  const OciLayout& layout_;
  LayerSizes sizes_;
  std::map<std::string, ManifestFacts> facts_;
};

}  // namespace

Result<std::vector<ImageSummary>> SummarizeImages(const OciLayout& layout) {
  // The index file itself, not ReadIndex(): no Index document is rendered just to be read.
  HOIST_TRY_ASSIGN(IndexFile index, ReadIndexFile(layout.paths().IndexFile()));
  Summarizer s(layout);
  std::vector<ImageSummary> out;
  out.reserve(index.manifests.size());
  for (const auto& entry : index.manifests) out.push_back(s.Summarize(entry));
  return out;
}

ImageSummary SummarizeImage(const OciLayout& layout, const Descriptor& entry) {
  Summarizer s(layout);
  return s.Summarize(entry);
}

}  // namespace hoist::store
