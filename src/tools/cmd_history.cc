#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/image_config.h"
#include "core/json_parse.h"
#include "core/media_types.h"
#include "store/layer_sizes.h"
#include "tools/command.h"
#include "tools/human_units.h"
#include "tools/store_flags.h"
#include "tools/store_image.h"
#include "tools/template_output.h"
#include "tools/text_table.h"

namespace hoist::tools {

namespace {

constexpr size_t kCreatedByWidth = 45;  // docker's truncation

void AddHistoryOptions(cxxopts::Options& o) {
  o.add_options()("no-trunc", "Do not shorten CREATED BY")("q,quiet", "Only show image IDs")(
      "H,human", "Sizes and dates in human form (--human=false: bytes and RFC 3339)",
      cxxopts::value<bool>()->default_value("true")->implicit_value("true"))(
      "platform", "For a multi-platform image, the platform to show (default: this machine's)",
      cxxopts::value<std::string>(), "OS/ARCH[/VARIANT]");
}

struct Step {
  const HistoryEntry* entry;
  std::optional<Descriptor> layer;  // the layer the step made; nullopt for an empty layer
};

const nlohmann::json& TemplateHeaders() {
  static const nlohmann::json h = {{"ID", "IMAGE"},         {"CreatedSince", "CREATED"}, {"CreatedAt", "CREATED AT"},
                                   {"CreatedBy", "CREATED BY"}, {"Size", "SIZE"},         {"Comment", "COMMENT"}};
  return h;
}

Result<int> RunHistory(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("history needs exactly one image");
  std::optional<TemplatePrinter> printer;
  if (ctx.global.format == OutputFormat::kTemplate) {
    HOIST_TRY_ASSIGN(printer, TemplatePrinter::Parse(ctx.global.format_name));
  }
  std::optional<Platform> platform;
  if (ctx.args.count("platform")) {
    auto p = Platform::Parse(ctx.args["platform"].as<std::string>());
    if (!p.ok()) return UsageError(p.error().message());
    platform = *p;
  }
  HOIST_TRY(RefuseTransport(ctx.positional[0]));
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  HOIST_TRY_ASSIGN(StoreImage image, LoadStoreImage(layout, ctx.positional[0], platform));
  if (!IsConfig(image.manifest.config().media_type)) {
    return Unsupported(ctx.positional[0] + " is an artifact (" + image.manifest.config().media_type +
                       "), not a container image: it has no history");
  }
  HOIST_TRY_ASSIGN(ImageConfig config, ImageConfig::Parse(image.config_raw));

  // Steps that made a layer take the manifest's layers in order.
  std::vector<Step> steps;
  size_t next_layer = 0;
  const auto& layers = image.manifest.layers();
  store::LayerSizes sizes(layout);
  for (const auto& h : config.history()) {
    Step s{&h, std::nullopt};
    if (!h.empty_layer && next_layer < layers.size()) {
      s.layer = layers[next_layer++];
      // docker shows a layer's unpacked size
      auto unpacked = sizes.Unpacked(*s.layer);
      if (unpacked.ok()) s.layer->size = *unpacked;
    }
    steps.push_back(s);
  }
  (void)sizes.Save();
  const bool human = ctx.args["human"].as<bool>();
  const bool no_trunc = ctx.args.count("no-trunc") > 0;
  const std::string id = image.found.descriptor.digest == image.manifest_descriptor.digest
                             ? image.manifest.config().digest.str()
                             : image.found.descriptor.digest.str();
  if (ctx.global.format == OutputFormat::kJson && !ctx.args.count("quiet")) {
    nlohmann::json out = nlohmann::json::array();
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
      nlohmann::json j{{"Created", it->entry->created},
                       {"CreatedBy", it->entry->created_by},
                       {"Size", it->layer ? it->layer->size : 0},
                       {"Comment", it->entry->comment},
                       {"EmptyLayer", it->entry->empty_layer},
                       {"Layer", it->layer ? nlohmann::json(it->layer->digest.str()) : nlohmann::json(nullptr)}};
      if (!it->entry->author.empty()) j["Author"] = it->entry->author;
      out.push_back(std::move(j));
    }
    std::cout << DumpJson(out, 2) << "\n";
    return kExitOk;
  }
  TextTable table({"IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"});
  std::vector<nlohmann::json> rows;
  const time_t now = ::time(nullptr);
  bool first = true;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    std::string image_cell = first ? (no_trunc ? id : Digest::Parse(id)->Short()) : "<missing>";
    first = false;
    std::string created = human ? HumanAge(it->entry->created, now) : it->entry->created;
    std::string by = it->entry->created_by;
    if (!no_trunc) by = Truncate(by, kCreatedByWidth);
    int64_t size = it->layer ? it->layer->size : 0;
    std::string size_cell = human ? HumanSize(size) : std::to_string(size);
    if (ctx.args.count("quiet")) {
      std::cout << image_cell << "\n";
    } else if (printer) {
      rows.push_back({{"ID", image_cell},
                      {"CreatedSince", HumanAge(it->entry->created, now)},
                      {"CreatedAt", human ? DockerTime(it->entry->created) : it->entry->created},
                      {"CreatedBy", by},
                      {"Size", size_cell},
                      {"Comment", it->entry->comment}});
    } else {
      table.AddRow({image_cell, created, by, size_cell, it->entry->comment});
    }
  }
  if (ctx.args.count("quiet")) return kExitOk;
  if (printer) {
    HOIST_TRY(printer->Print(rows, TemplateHeaders(), std::cout));
    return kExitOk;
  }
  table.Print(std::cout);
  return kExitOk;
}

}  // namespace

const CommandSpec& HistoryCommand() {
  static const CommandSpec spec{
      "history", {}, "Show the build steps of an image in the local store", "IMAGE",
      "Prints the image's history like `docker history`, newest step first: CREATED, CREATED BY, SIZE\n"
      "and COMMENT, including steps that made no layer (ENV, CMD, …; SIZE 0B). SIZE is the layer as\n"
      "stored (compressed). CREATED BY is cut to 45 characters unless --no-trunc. IMAGE is the image ID\n"
      "on the newest step and <missing> on the others, as docker shows pulled images. --format json\n"
      "prints an array of {Created, CreatedBy, Size, Comment, EmptyLayer, Layer}. -q prints only the IMAGE\n"
      "column. --format also takes a Go template over docker's fields: .ID .CreatedSince .CreatedAt\n"
      ".CreatedBy .Size .Comment (see README).",
      "  hoist history alpine:3.19\n"
      "  hoist history --no-trunc --human=false myapp:latest\n"
      "  hoist history --platform linux/arm64 --format json example.com/tool:1\n"
      "  hoist image history --format '{{.CreatedBy}}' --no-trunc alpine:3.19",
      AddHistoryOptions, RunHistory};
  return spec;
}

}  // namespace hoist::tools
