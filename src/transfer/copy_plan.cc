#include "transfer/copy_plan.h"

#include <set>
#include <unordered_set>

#include "core/image_check.h"
#include "core/image_config.h"
#include "core/io.h"
#include "core/manifest.h"
#include "core/media_types.h"

namespace hoist::transfer {

namespace {

constexpr int kMaxDepth = 8;

class Planner {
 public:
  Planner(ImageSource& source, CopyPlan& plan) : source_(source), plan_(plan) {
    for (const auto& b : plan_.blobs) blobs_seen_.insert(b.digest);
    for (const auto& m : plan_.manifests) manifests_seen_.insert(m.descriptor.digest.str() + "\n" + m.tag);
  }

  // Adds `bytes` (a manifest or an index) and everything below it; the document itself last.
  Result<Descriptor> Add(ManifestBytes bytes, const std::string& tag, int depth) {
    if (depth > kMaxDepth) return ParseError("indexes nested more than " + std::to_string(kMaxDepth) + " deep");
    HOIST_TRY_ASSIGN(AnyManifest any, ParseAnyManifest(bytes.bytes, bytes.media_type));
    if (auto* m = std::get_if<Manifest>(&any)) {
      AddBlob(m->config());
      for (const auto& layer : m->layers()) {
        // Foreign layers with URLs live elsewhere; registries do not hold them.
        if (IsForeignLayer(layer.media_type) && !layer.urls.empty()) continue;
        AddBlob(layer);
      }
    } else {
      const Index& index = std::get<Index>(any);
      for (const auto& child : index.manifests()) {
        HOIST_TRY(AddChild(child, depth));
      }
    }
    return AddDocument(std::move(bytes), MediaTypeOf(any), tag);
  }

  Status AddChild(const Descriptor& child, int depth) {
    auto bytes = source_.GetManifest(child.digest);
    if (!bytes.ok()) return std::move(bytes).error().WithContext("manifest " + child.digest.str());
    if (bytes->media_type.empty()) bytes->media_type = child.media_type;
    HOIST_TRY(Add(std::move(bytes).value(), "", depth + 1));
    return Ok();
  }

  Descriptor AddDocument(ManifestBytes bytes, const std::string& media_type, const std::string& tag) {
    Descriptor d = Descriptor::For(media_type, bytes.bytes);
    if (bytes.media_type.empty()) bytes.media_type = media_type;
    if (manifests_seen_.insert(d.digest.str() + "\n" + tag).second) {
      plan_.manifests.push_back(PlannedManifest{d, std::move(bytes), tag});
    }
    return d;
  }

 private:
  void AddBlob(const Descriptor& d) {
    if (blobs_seen_.insert(d.digest).second) plan_.blobs.push_back(d);
  }

  ImageSource& source_;
  CopyPlan& plan_;
  std::unordered_set<Digest> blobs_seen_;
  std::set<std::string> manifests_seen_;
};

std::string PlatformList(const Index& index) {
  std::string s;
  for (const auto& m : index.manifests()) {
    if (!m.platform) continue;
    if (!s.empty()) s += ", ";
    s += m.platform->str();
  }
  return s.empty() ? "none" : s;
}

}  // namespace

uint64_t CopyPlan::blob_bytes() const {
  uint64_t n = 0;
  for (const auto& b : blobs) n += static_cast<uint64_t>(b.size);
  return n;
}

Result<CopyPlan> PlanImage(ImageSource& source, const PlatformSelection& platforms, const std::string& tag) {
  CopyPlan plan;
  HOIST_TRY_ASSIGN(ManifestBytes top, source.GetManifest(std::nullopt));
  HOIST_TRY_ASSIGN(AnyManifest any, ParseAnyManifest(top.bytes, top.media_type));
  Planner planner(source, plan);
  const Index* index = std::get_if<Index>(&any);
  if (!index || platforms.all || platforms.platforms.empty()) {
    HOIST_TRY_ASSIGN(plan.top, planner.Add(std::move(top), tag, 0));
    return plan;
  }
  std::vector<Descriptor> chosen;
  for (const auto& want : platforms.platforms) {
    const Descriptor* child = index->FindManifest(want);
    if (!child) {
      return NotFound("no image for platform " + want.str() + " in the index (it has: " + PlatformList(*index) +
                      ")");
    }
    bool dup = false;
    for (const auto& c : chosen) dup = dup || c.digest == child->digest;
    if (!dup) chosen.push_back(*child);
  }
  if (chosen.size() == 1) {
    HOIST_TRY_ASSIGN(ManifestBytes child, source.GetManifest(chosen[0].digest));
    if (child.media_type.empty()) child.media_type = chosen[0].media_type;
    HOIST_TRY_ASSIGN(plan.top, planner.Add(std::move(child), tag, 1));
    plan.chosen_from_index = true;
    plan.notes.push_back("platform " + (chosen[0].platform ? chosen[0].platform->str() : std::string("?")) +
                         ": image " + chosen[0].digest.str() + " of index " + Digest::Of(top.bytes).str());
    return plan;
  }
  // Several platforms but not all: a new index listing only those (its digest differs).
  for (const auto& c : chosen) HOIST_TRY(planner.AddChild(c, 0));
  Index filtered(index->media_type(), chosen);
  if (!index->annotations().empty()) filtered.set_annotations(index->annotations());
  plan.top = planner.AddDocument(ManifestBytes{filtered.raw(), index->media_type()}, index->media_type(), tag);
  plan.notes.push_back("wrote a new index for the chosen platforms (" + plan.top.digest.str() +
                       "); the source index is " + Digest::Of(top.bytes).str());
  return plan;
}

Status CheckConfigs(ImageSource& source, CopyPlan& plan) {
  for (const auto& planned : plan.manifests) {
    auto any = ParseAnyManifest(planned.bytes.bytes, planned.bytes.media_type);
    if (!any.ok()) return std::move(any).error().WithContext("manifest " + planned.descriptor.digest.str());
    const Manifest* m = std::get_if<Manifest>(&*any);
    if (m == nullptr || !HasImageConfig(*m) || plan.configs.count(m->config().digest)) continue;
    const Descriptor& config = m->config();
    auto fail = [&](Error e) {
      return std::move(e).WithContext("image " + planned.descriptor.digest.str() + " of " + source.Describe());
    };
    if (config.size < 0 || static_cast<uint64_t>(config.size) > kMaxConfigSize) {
      return fail(TooLarge("config " + config.digest.str() + " is " + std::to_string(config.size) +
                           " bytes, over the " + std::to_string(kMaxConfigSize) + "-byte limit (kMaxConfigSize)"));
    }
    auto reader = source.GetBlob(config, 0);
    if (!reader.ok()) return fail(std::move(reader).error().WithContext("config " + config.digest.str()));
    auto raw = ReadAll(**reader, static_cast<uint64_t>(config.size));
    if (!raw.ok()) return fail(std::move(raw).error().WithContext("config " + config.digest.str()));
    if (static_cast<int64_t>(raw->size()) != config.size || !(Digest::Of(*raw) == config.digest)) {
      return fail(DigestMismatch("config " + config.digest.str() + " from the source does not match its digest"));
    }
    Status checked = CheckImageConfig(*m, *raw);
    if (!checked.ok()) return fail(std::move(checked).error());
    plan.configs.emplace(config.digest, std::move(raw).value());
  }
  return Ok();
}

Status CheckRequestedPlatform(const CopyPlan& plan, const PlatformSelection& platforms) {
  if (platforms.all || !platforms.requested || platforms.platforms.empty() || plan.chosen_from_index) return Ok();
  for (const auto& planned : plan.manifests) {
    if (!(planned.descriptor.digest == plan.top.digest)) continue;
    auto any = ParseAnyManifest(planned.bytes.bytes, planned.bytes.media_type);
    if (!any.ok()) return Ok();  // CheckConfigs read it already
    const Manifest* m = std::get_if<Manifest>(&*any);
    if (m == nullptr) return Ok();  // an index: PlanImage chose from it
    auto raw = plan.configs.find(m->config().digest);
    if (raw == plan.configs.end()) return Ok();  // not an image (an artifact): no platform to compare
    auto config = ImageConfig::Parse(raw->second);
    if (!config.ok()) return Ok();
    Platform have = config->platform().Normalized();
    std::string wanted;
    for (const auto& want : platforms.platforms) {
      if (have.Matches(want.Normalized())) return Ok();
      wanted += (wanted.empty() ? "" : ", ") + want.str();
    }
    return NotFound("the image was found but does not match the specified platform: wanted " + wanted +
                    ", actual: " + have.str() + " (a single-platform image, not an index)");
  }
  return Ok();
}

Status PlanAttached(ImageSource& source, CopyPlan& plan) {
  // Subjects: every image document of the plan so far (not what gets attached below).
  std::vector<Descriptor> subjects;
  for (const auto& m : plan.manifests) subjects.push_back(m.descriptor);
  Planner planner(source, plan);
  std::unordered_set<Digest> done;
  for (const auto& subject : subjects) {
    if (!done.insert(subject.digest).second) continue;
    auto attached = source.ListAttached(subject);
    if (!attached.ok()) {
      if (attached.error().code() == ErrorCode::kUnsupported) continue;
      return std::move(attached).error().WithContext("signatures of " + subject.digest.str());
    }
    for (const auto& a : *attached) {
      auto bytes = source.GetManifest(a.manifest.digest);
      if (!bytes.ok()) return std::move(bytes).error().WithContext("attached manifest " + a.manifest.digest.str());
      if (bytes->media_type.empty()) bytes->media_type = a.manifest.media_type;
      HOIST_TRY(planner.Add(std::move(bytes).value(), a.tag, 1));
    }
  }
  return Ok();
}

}  // namespace hoist::transfer
