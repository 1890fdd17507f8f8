#include <fnmatch.h>

#include <algorithm>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/attachment_tags.h"
#include "core/json_parse.h"
#include "store/image_summary.h"
#include "tools/command.h"
#include "tools/human_units.h"
#include "tools/store_flags.h"
#include "tools/text_table.h"

namespace hoist::tools {

namespace {

void AddImagesOptions(cxxopts::Options& o) {
  o.add_options()("digests", "Show the manifest (or index) digest of each image")(
      "no-trunc", "Show full image IDs")("a,all", "Also list signatures, attestations and SBOMs (cosign sha256-<hex>.sig/.att/.sbom manifests)");
}

// docker's reference filter: the pattern is matched against the familiar and the full name, with
// the tag when the pattern names one. '*' does not cross '/'.
bool MatchesPattern(const std::string& pattern, const Reference& ref) {
  size_t slash = pattern.rfind('/');
  size_t colon = pattern.find(':', slash == std::string::npos ? 0 : slash);
  bool with_tag = colon != std::string::npos;
  std::vector<std::string> candidates = {ref.FamiliarName(), ref.name()};
  if (with_tag) {
    const std::string tag = ref.tag() ? *ref.tag() : "";
    for (auto& c : candidates) c += ":" + tag;
  }
  for (const auto& c : candidates) {
    if (::fnmatch(pattern.c_str(), c.c_str(), FNM_PATHNAME) == 0) return true;
  }
  return false;
}

std::string PlatformsCell(const store::ImageSummary& s) {
  if (!s.multi_platform) return "";
  if (s.platforms.size() > 3) return std::to_string(s.platforms.size()) + " platforms";
  std::string out;
  for (const auto& p : s.platforms) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out.empty() ? "none stored" : out;
}

nlohmann::json ToJson(const store::ImageSummary& s) {
  nlohmann::json j;
  j["Repository"] = s.name ? s.name->name() : nullptr;
  j["Tag"] = s.name && s.name->tag() ? nlohmann::json(*s.name->tag()) : nlohmann::json(nullptr);
  j["ID"] = s.id.str();
  j["Digest"] = s.descriptor.digest.str();
  j["MediaType"] = s.descriptor.media_type;
  j["Created"] = s.created.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.created);
  j["Size"] = s.size;
  j["MultiPlatform"] = s.multi_platform;
  if (s.multi_platform) j["Platforms"] = s.platforms;
  if (!s.problem.empty()) j["Problem"] = s.problem;
  return j;
}

Result<int> RunImages(CommandContext& ctx) {
  if (ctx.positional.size() > 1) return UsageError("images takes at most one REPOSITORY[:TAG] pattern");
  std::vector<store::ImageSummary> images;
  if (StoreExists(ctx)) {
    HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
    HOIST_TRY_ASSIGN(images, store::SummarizeImages(layout));
  }
  if (!ctx.args.count("all")) {  // attached manifests are no images of their own (docker hides attestations)
    std::erase_if(images, [](const store::ImageSummary& s) { return s.name && IsAttachedRefName(s.name->str()); });
  }
  if (!ctx.positional.empty()) {
    const std::string& pattern = ctx.positional[0];
    std::erase_if(images, [&](const store::ImageSummary& s) { return !s.name || !MatchesPattern(pattern, *s.name); });
  }
  // Newest first, as docker lists them; then by name.
  std::stable_sort(images.begin(), images.end(), [](const auto& a, const auto& b) {
    if (a.created != b.created) return a.created > b.created;
    std::string an = a.name ? a.name->str() : "", bn = b.name ? b.name->str() : "";
    return an < bn;
  });
  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : images) out.push_back(ToJson(s));
    std::cout << DumpJson(out, 2) << "\n";
    return kExitOk;
  }
  const bool digests = ctx.args.count("digests") > 0, no_trunc = ctx.args.count("no-trunc") > 0;
  const bool any_multi = std::any_of(images.begin(), images.end(), [](const auto& s) { return s.multi_platform; });
  std::vector<std::string> header = {"REPOSITORY", "TAG"};
  if (digests) header.push_back("DIGEST");
  for (const char* h : {"IMAGE ID", "CREATED", "SIZE"}) header.push_back(h);
  if (any_multi) header.push_back("PLATFORMS");
  TextTable table(header);
  const time_t now = ::time(nullptr);
  for (const auto& s : images) {
    std::vector<std::string> row = {s.name ? s.name->FamiliarName() : "<none>",
                                    s.name && s.name->tag() ? *s.name->tag() : "<none>"};
    if (digests) row.push_back(s.descriptor.digest.str());
    row.push_back(no_trunc ? s.id.str() : s.id.Short());
    row.push_back(HumanAge(s.created, now));
    row.push_back(s.problem.empty() ? HumanSize(s.size) : "damaged (run hoist fsck)");
    if (any_multi) row.push_back(PlatformsCell(s));
    table.AddRow(std::move(row));
  }
  table.Print(std::cout);
  return kExitOk;
}

}  // namespace

const CommandSpec& ImagesCommand() {
  static const CommandSpec spec{
      "images", {"ls"}, "List the images in the local store", "[REPOSITORY[:TAG]]",
      "Lists the named images of the local store like `docker images`: repository, tag, image ID,\n"
      "creation time (from the image config) and size. The image ID is the config digest (shortened\n"
      "unless --no-trunc); for a multi-platform image it is the index digest, and a PLATFORMS column\n"
      "lists the platforms stored. SIZE is the sum of the image's distinct blobs as stored (compressed\n"
      "layers, configs, manifests). Untagged images (index.json entries without a name) show as <none>.\n"
      "\n"
      "A REPOSITORY[:TAG] pattern keeps the matching names; '*' matches within one path component\n"
      "(\"example.com/*\", \"alpine:3.*\"). --format json prints an array of objects (Repository, Tag,\n"
      "ID, Digest, MediaType, Created, Size in bytes, MultiPlatform, Platforms). A store that does not\n"
      "exist yet lists nothing.",
      "  hoist images\n"
      "  hoist images --digests alpine\n"
      "  hoist ls 'example.com/*'\n"
      "  hoist images --format json | jq -r '.[].ID'",
      AddImagesOptions, RunImages};
  return spec;
}

}  // namespace hoist::tools
