#include <fnmatch.h>

#include <algorithm>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/attachment_tags.h"
#include "core/image_config.h"
#include "core/json_parse.h"
#include "core/manifest.h"
#include "core/platform.h"
#include "store/image_lookup.h"
#include "store/image_summary.h"
#include "tools/command.h"
#include "tools/human_units.h"
#include "tools/store_flags.h"
#include "tools/template_output.h"
#include "tools/text_table.h"

namespace hoist::tools {

namespace {

void AddImagesOptions(cxxopts::Options& o) {
  o.add_options()("digests", "Show the manifest (or index) digest of each image")(
      "no-trunc", "Show full image IDs")("a,all", "Also list signatures, attestations and SBOMs (cosign sha256-<hex>.sig/.att/.sbom manifests)")(
      "q,quiet", "Only show image IDs")(
      "f,filter", "Keep the images matching: dangling=true|false, reference=PATTERN, label=KEY[=VALUE], "
      "before=IMAGE, since=IMAGE (repeatable)", cxxopts::value<std::string>(), "FILTER");
}

// docker's image filters: the values of one key are alternatives (any may match), different keys
// must all match; label filters must all match.
struct ImageFilters {
  std::optional<bool> dangling;
  std::vector<std::string> references, labels;
  std::optional<time_t> before, since;
};

Result<time_t> CreatedOf(const store::OciLayout& layout, const std::string& image, const std::string& key) {
  auto found = store::FindImage(layout, image);
  if (!found.ok()) return UsageError("--filter " + key + "=" + image + ": " + found.error().message());
  store::ImageSummary s = store::SummarizeImage(layout, found->descriptor);
  auto t = ParseRfc3339(s.created);
  if (!t) return UsageError("--filter " + key + "=" + image + ": the image has no creation time");
  return *t;
}

Result<ImageFilters> ParseImageFilters(const CommandContext& ctx, const store::OciLayout* layout) {
  ImageFilters f;
  for (const std::string& text : RepeatedFlag(ctx.args, "filter")) {
    size_t eq = text.find('=');
    if (eq == std::string::npos) return UsageError("bad --filter \"" + text + "\": it needs KEY=VALUE");
    std::string key = text.substr(0, eq), value = text.substr(eq + 1);
    if (key == "dangling") {
      if (value != "true" && value != "false" && value != "1" && value != "0") {
        return UsageError("--filter dangling= takes true or false (got \"" + value + "\")");
      }
      f.dangling = value == "true" || value == "1";
    } else if (key == "reference") {
      f.references.push_back(value);
    } else if (key == "label") {
      f.labels.push_back(value);
    } else if (key == "before" || key == "since") {
      if (!layout) return NotFound("--filter " + text + ": the store is empty");
      HOIST_TRY_ASSIGN(time_t t, CreatedOf(*layout, value, key));
      (key == "before" ? f.before : f.since) = t;
    } else {
      return UsageError("invalid filter \"" + key + "\" (images takes dangling, reference, label, before, since)");
    }
  }
  return f;
}

// The image's config labels (the platform of this machine for a multi-platform image).
std::map<std::string, std::string> ImageLabels(const store::OciLayout& layout, const store::ImageSummary& s) {
  auto raw = layout.ReadBlob(s.descriptor.digest, kMaxManifestSize);
  if (!raw.ok()) return {};
  auto any = ParseAnyManifest(*raw, s.descriptor.media_type);
  if (!any.ok()) return {};
  if (auto* index = std::get_if<Index>(&*any)) {
    const Descriptor* child = index->FindManifest(Platform::Host());
    if (!child) return {};
    raw = layout.ReadBlob(child->digest, kMaxManifestSize);
    if (!raw.ok()) return {};
    any = ParseAnyManifest(*raw, child->media_type);
    if (!any.ok()) return {};
  }
  auto* m = std::get_if<Manifest>(&*any);
  if (!m) return {};
  auto config_raw = layout.ReadBlob(m->config().digest, kMaxConfigSize);
  if (!config_raw.ok()) return {};
  auto config = ImageConfig::Parse(std::move(*config_raw));
  if (!config.ok() || !config->config()) return {};
  return config->config()->labels;
}

bool LabelsMatch(const std::vector<std::string>& wanted, const std::map<std::string, std::string>& labels) {
  for (const auto& w : wanted) {
    size_t eq = w.find('=');
    auto it = labels.find(w.substr(0, eq));
    if (it == labels.end()) return false;
    if (eq != std::string::npos && it->second != w.substr(eq + 1)) return false;
  }
  return true;
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
  j["Size"] = s.unpacked_size;  // docker's: the layers unpacked
  j["CompressedSize"] = s.size;
  j["MultiPlatform"] = s.multi_platform;
  if (s.multi_platform) j["Platforms"] = s.platforms;
  if (!s.problem.empty()) j["Problem"] = s.problem;
  return j;
}

// The row docker's `--format` templates see (its field names and display values).
nlohmann::json TemplateRow(const store::ImageSummary& s, bool no_trunc, time_t now) {
  return {{"ID", no_trunc ? s.id.str() : s.id.Short()},
          {"Repository", s.name ? s.name->FamiliarName() : "<none>"},
          {"Tag", s.name && s.name->tag() ? *s.name->tag() : "<none>"},
          {"Digest", s.descriptor.digest.str()},
          {"CreatedSince", HumanAge(s.created, now)},
          {"CreatedAt", DockerTime(s.created)},
          {"Size", HumanSize(s.unpacked_size)},
          {"VirtualSize", HumanSize(s.unpacked_size)},
          {"SharedSize", "N/A"},
          {"UniqueSize", "N/A"},
          {"Containers", "N/A"}};
}

const nlohmann::json& TemplateHeaders() {
  static const nlohmann::json h = {{"ID", "IMAGE ID"},           {"Repository", "REPOSITORY"},
                                   {"Tag", "TAG"},               {"Digest", "DIGEST"},
                                   {"CreatedSince", "CREATED"},  {"CreatedAt", "CREATED AT"},
                                   {"Size", "SIZE"},             {"VirtualSize", "VIRTUAL SIZE"},
                                   {"SharedSize", "SHARED SIZE"}, {"UniqueSize", "UNIQUE SIZE"},
                                   {"Containers", "CONTAINERS"}};
  return h;
}

Result<int> RunImages(CommandContext& ctx) {
  if (ctx.positional.size() > 1) return UsageError("images takes at most one REPOSITORY[:TAG] pattern");
  std::optional<TemplatePrinter> printer;
  if (ctx.global.format == OutputFormat::kTemplate) {
    HOIST_TRY_ASSIGN(printer, TemplatePrinter::Parse(ctx.global.format_name));
  }
  std::vector<store::ImageSummary> images;
  std::optional<store::OciLayout> layout;
  if (StoreExists(ctx)) {
    HOIST_TRY_ASSIGN(layout, OpenStore(ctx, StoreAccess::kRead));
    HOIST_TRY_ASSIGN(images, store::SummarizeImages(*layout));
  }
  if (!ctx.args.count("all")) {  // attached manifests are no images of their own (docker hides attestations)
    std::erase_if(images, [](const store::ImageSummary& s) { return s.name && IsAttachedRefName(s.name->str()); });
  }
  HOIST_TRY_ASSIGN(ImageFilters filters, ParseImageFilters(ctx, layout ? &*layout : nullptr));
  if (!ctx.positional.empty()) filters.references.push_back(ctx.positional[0]);
  std::erase_if(images, [&](const store::ImageSummary& s) {
    if (filters.dangling && *filters.dangling != !s.name) return true;
    if (!filters.references.empty() &&
        (!s.name || std::none_of(filters.references.begin(), filters.references.end(),
                                 [&](const std::string& p) { return MatchesPattern(p, *s.name); }))) {
      return true;
    }
    if (filters.before || filters.since) {
      auto t = ParseRfc3339(s.created);
      if (!t || (filters.before && *t >= *filters.before) || (filters.since && *t <= *filters.since)) return true;
    }
    if (!filters.labels.empty() && !LabelsMatch(filters.labels, ImageLabels(*layout, s))) return true;
    return false;
  });
  // Newest first, as docker lists them; then by name.
  std::stable_sort(images.begin(), images.end(), [](const auto& a, const auto& b) {
    if (a.created != b.created) return a.created > b.created;
    std::string an = a.name ? a.name->str() : "", bn = b.name ? b.name->str() : "";
    return an < bn;
  });
  const bool digests = ctx.args.count("digests") > 0, no_trunc = ctx.args.count("no-trunc") > 0;
  const time_t now = ::time(nullptr);
  if (ctx.args.count("quiet")) {
    for (const auto& s : images) std::cout << (no_trunc ? s.id.str() : s.id.Short()) << "\n";
    return kExitOk;
  }
  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : images) out.push_back(ToJson(s));
    std::cout << DumpJson(out, 2) << "\n";
    return kExitOk;
  }
  if (printer) {
    std::vector<nlohmann::json> rows;
    for (const auto& s : images) rows.push_back(TemplateRow(s, no_trunc, now));
    HOIST_TRY(printer->Print(rows, TemplateHeaders(), std::cout));
    return kExitOk;
  }
  const bool any_multi = std::any_of(images.begin(), images.end(), [](const auto& s) { return s.multi_platform; });
  std::vector<std::string> header = {"REPOSITORY", "TAG"};
  if (digests) header.push_back("DIGEST");
  for (const char* h : {"IMAGE ID", "CREATED", "SIZE"}) header.push_back(h);
  if (any_multi) header.push_back("PLATFORMS");
  TextTable table(header);
  for (const auto& s : images) {
    std::vector<std::string> row = {s.name ? s.name->FamiliarName() : "<none>",
                                    s.name && s.name->tag() ? *s.name->tag() : "<none>"};
    if (digests) row.push_back(s.descriptor.digest.str());
    row.push_back(no_trunc ? s.id.str() : s.id.Short());
    row.push_back(HumanAge(s.created, now));
    row.push_back(s.problem.empty() ? HumanSize(s.unpacked_size) : "damaged (run hoist fsck)");
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
      "lists the platforms stored. SIZE is what docker shows: the image's distinct layers unpacked\n"
      "(a compressed layer's unpacked size is computed once and cached in the store's\n"
      ".hoist/layer-sizes.json), in decimal units (1MB = 1000000 bytes). Untagged images (index.json entries without a name) show as <none>.\n"
      "\n"
      "A REPOSITORY[:TAG] pattern keeps the matching names; '*' matches within one path component\n"
      "(\"example.com/*\", \"alpine:3.*\"). --format json prints an array of objects (Repository, Tag,\n"
      "ID, Digest, MediaType, Created, Size and CompressedSize in bytes, MultiPlatform, Platforms). A store that does not\n"
      "exist yet lists nothing.\n"
      "\n"
      "-q prints only the image IDs. --filter (repeatable) keeps the images matching all the filters\n"
      "given, several values of one key being alternatives: dangling=true (no name) or false,\n"
      "reference=PATTERN (as the operand), label=KEY or label=KEY=VALUE (the image config's labels),\n"
      "before=IMAGE and since=IMAGE (created before or after that image). --format also takes a Go\n"
      "template over docker's fields: .ID .Repository .Tag .Digest .CreatedSince .CreatedAt .Size;\n"
      "'table …' adds docker's column headers (see README, \"Templates\").",
      "  hoist images\n"
      "  hoist image ls -q --filter dangling=true\n"
      "  hoist images --filter label=org.opencontainers.image.version --format '{{.Repository}}:{{.Tag}}'\n"
      "  hoist images --format 'table {{.Repository}}\\t{{.Tag}}\\t{{.Size}}'\n"
      "  hoist images --digests alpine\n"
      "  hoist ls 'example.com/*'\n"
      "  hoist images --format json | jq -r '.[].ID'",
      AddImagesOptions, RunImages};
  return spec;
}

}  // namespace hoist::tools
