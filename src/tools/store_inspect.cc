#include "tools/store_inspect.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/image_config.h"
#include "core/json_parse.h"
#include "core/media_types.h"
#include "store/image_summary.h"
#include "tools/inspect_output.h"
#include "tools/store_flags.h"
#include "tools/store_image.h"

namespace hoist::tools {

namespace {

using json = nlohmann::ordered_json;

// Every name of the image (RepoTags) and name@digest per repository (RepoDigests), as docker lists them.
Status AddNames(const store::OciLayout& layout, const Digest& digest, json& out) {
  HOIST_TRY_ASSIGN(auto named, layout.ListNamed());
  json tags = json::array(), digests = json::array();
  std::vector<std::string> repos;
  for (const auto& n : named) {
    if (!(n.descriptor.digest == digest)) continue;
    tags.push_back(n.ref.Familiar());
    std::string rd = n.ref.FamiliarName() + "@" + digest.str();
    if (std::find(repos.begin(), repos.end(), rd) == repos.end()) repos.push_back(rd);
  }
  for (const auto& r : repos) digests.push_back(r);
  out["RepoTags"] = tags;
  out["RepoDigests"] = digests;
  return Ok();
}

json DescriptorJson(const Descriptor& d) {
  json j{{"MediaType", d.media_type}, {"Digest", d.digest.str()}, {"Size", d.size}};
  if (!d.annotations.empty()) j["Annotations"] = d.annotations;
  if (d.platform) j["Platform"] = d.platform->str();
  return j;
}

}  // namespace

Result<int> InspectStoreImage(CommandContext& ctx, const std::string& arg) {
  HOIST_TRY(RefuseTransport(arg));
  std::optional<Platform> platform;
  if (ctx.args.count("platform")) {
    auto p = Platform::Parse(ctx.args["platform"].as<std::string>());
    if (!p.ok()) return UsageError(p.error().message());
    platform = *p;
  }
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  if (ctx.args.count("raw") && !ctx.args.count("config")) {
    // The entry's own bytes (the index for a multi-platform image), whatever the platform.
    HOIST_TRY_ASSIGN(auto found, store::FindImage(layout, arg));
    HOIST_TRY_ASSIGN(std::string raw, layout.ReadBlob(found.descriptor.digest, kMaxManifestSize));
    std::cout << raw;
    return kExitOk;
  }
  HOIST_TRY_ASSIGN(StoreImage image, LoadStoreImage(layout, arg, platform));
  if (ctx.args.count("config")) {
    std::cout << image.config_raw << "\n";
    return kExitOk;
  }
  const Descriptor& top = image.found.descriptor;
  const bool multi = IsIndex(top.media_type);
  const Manifest& m = image.manifest;
  json out;
  out["Id"] = multi ? top.digest.str() : m.config().digest.str();
  out["Digest"] = top.digest.str();
  HOIST_TRY(AddNames(layout, top.digest, out));
  store::ImageSummary summary = store::SummarizeImage(layout, top);
  out["Size"] = summary.unpacked_size;  // docker's: the layers unpacked
  out["CompressedSize"] = summary.size;
  if (multi) out["Platforms"] = summary.platforms;
  if (IsConfig(m.config().media_type)) {
    HOIST_TRY_ASSIGN(ImageConfig config, ImageConfig::Parse(image.config_raw));
    const json& doc = config.json();
    out["Created"] = config.created().empty() ? json(nullptr) : json(config.created());
    out["Author"] = config.author();
    out["Architecture"] = config.architecture();
    if (!config.variant().empty()) out["Variant"] = config.variant();
    out["Os"] = config.os();
    if (!config.os_version().empty()) out["OsVersion"] = config.os_version();
    auto cc = doc.find("config");
    out["Config"] = cc != doc.end() ? *cc : json(nullptr);
    json diff_ids = json::array();
    for (const auto& d : config.diff_ids()) diff_ids.push_back(d.str());
    out["RootFS"] = {{"Type", "layers"}, {"Layers", diff_ids}};
  } else {
    out["ArtifactType"] = m.artifact_type().empty() ? m.config().media_type : m.artifact_type();
  }
  json layers = json::array();
  for (const auto& l : m.layers()) layers.push_back(DescriptorJson(l));
  out["Manifest"] = {{"MediaType", m.media_type()},
                     {"Digest", image.manifest_descriptor.digest.str()},
                     {"Size", image.manifest_descriptor.size},
                     {"Config", DescriptorJson(m.config())},
                     {"Layers", layers}};
  if (!m.annotations().empty()) out["Manifest"]["Annotations"] = m.annotations();
  HOIST_TRY(PrintInspectDocuments(ctx, json::array({out})));
  return kExitOk;
}

}  // namespace hoist::tools
