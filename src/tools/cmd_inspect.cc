#include <iostream>
#include <nlohmann/json.hpp>

#include "core/image_config.h"
#include "core/json_parse.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "core/platform.h"
#include "container/containers.h"
#include "registry/client/blob_sink.h"
#include "tools/command.h"
#include "tools/inspect_output.h"
#include "tools/registry_flags.h"
#include "tools/store_flags.h"
#include "tools/store_inspect.h"

namespace hoist::tools {

namespace {

constexpr std::string_view kDockerPrefix = "docker://";

void AddInspectOptions(cxxopts::Options& o) {
  o.add_options()
      ("raw", "Print the manifest (or index) exactly as stored or as the registry serves it")
      ("config", "Print the image's config blob")
      ("platform", "For a multi-platform image, the platform to describe (default: this machine's)",
       cxxopts::value<std::string>(), "OS/ARCH[/VARIANT]")
      ("no-tags", "Do not list the repository's tags (docker://)")
      ("type", "What NAME is: image or container (default: a container of that name or id, else an image)",
       cxxopts::value<std::string>(), "TYPE");
  AddRegistryOptions(o);
}

Result<std::string> FetchConfig(const registry::Repository& repo, const Descriptor& config) {
  if (config.size > static_cast<int64_t>(kMaxConfigSize)) {
    return TooLarge("config blob " + config.digest.str() + " is larger than the limit");
  }
  registry::StringBlobSink sink;
  registry::GetBlobOptions opts;
  opts.expected_size = config.size;
  HOIST_TRY(repo.GetBlob(config.digest, sink, opts));
  return sink.Take();
}

// A working container by name, id or id prefix; nullopt when there is none (kNotFound).
Result<std::optional<container::ContainerRecord>> FindContainer(const CommandContext& ctx, const std::string& name) {
  if (!StoreExists(ctx)) return std::optional<container::ContainerRecord>();
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  auto c = container::ContainerStore(layout.paths()).Find(name);
  if (!c.ok()) {
    if (c.error().code() == ErrorCode::kNotFound) return std::optional<container::ContainerRecord>();
    return std::move(c).error();
  }
  return std::optional<container::ContainerRecord>(std::move(*c));
}

Result<int> InspectContainer(CommandContext& ctx, const container::ContainerRecord& c) {
  if (ctx.args.count("raw") || ctx.args.count("config")) {
    return UsageError("--raw and --config describe images; " + c.name + " is a container");
  }
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  const std::string rootfs = container::ContainerStore(layout.paths()).Rootfs(c.id);
  HOIST_TRY(PrintInspectDocuments(ctx, nlohmann::ordered_json::array({ContainerDocument(c, rootfs)})));
  return kExitOk;
}

Result<int> RunInspect(CommandContext& ctx) {
  if (ctx.positional.size() != 1) {
    return UsageError("inspect needs exactly one image or container (NAME, REF or docker://REF)");
  }
  const std::string& where = ctx.positional[0];
  std::string type = ctx.object_type;
  if (ctx.args.count("type")) {
    const std::string given = ctx.args["type"].as<std::string>();
    if (given != "image" && given != "container") {
      return UsageError("--type must be image or container (got \"" + given + "\")");
    }
    if (!type.empty() && type != given) return UsageError("--type " + given + " contradicts `" + type + " inspect`");
    type = given;
  }
  const bool remote = where.rfind(kDockerPrefix, 0) == 0;
  if (remote && type == "container") return UsageError("a container is local: docker://… names an image");
  // docker looks for a container first, then an image.
  if (!remote && type != "image") {
    HOIST_TRY_ASSIGN(auto container, FindContainer(ctx, where));
    if (container) return InspectContainer(ctx, *container);
    if (type == "container") return NotFound("no container named " + where + " (see hoist ps -a)");
  }
  if (!remote) return InspectStoreImage(ctx, where);
  HOIST_TRY_ASSIGN(Reference ref, ParseRegistryReference(where));
  HOIST_TRY_ASSIGN(auto client, MakeRegistryClient(ctx));
  HOIST_TRY_ASSIGN(auto repo, client->OpenRepository(ref, registry::Access::kPull));
  std::string target = ref.digest() ? ref.digest()->str() : *ref.tag();
  auto fetched = repo.GetManifest(target);
  if (!fetched.ok()) return std::move(fetched).error().WithContext("inspect " + ref.str());
  if (ctx.args.count("raw") && !ctx.args.count("config")) {
    std::cout << fetched->bytes;
    return kExitOk;
  }
  Digest top_digest = fetched->digest;
  HOIST_TRY_ASSIGN(AnyManifest any, ParseAnyManifest(fetched->bytes, fetched->media_type));
  if (auto* index = std::get_if<Index>(&any)) {
    Platform want = Platform::Host();
    if (ctx.args.count("platform")) {
      auto p = Platform::Parse(ctx.args["platform"].as<std::string>());
      if (!p.ok()) return UsageError(p.error().message());
      want = *p;
    }
    const Descriptor* child = index->FindManifest(want);
    if (!child) {
      return NotFound(ref.str() + " has no manifest for platform " + want.str() +
                      " (use --raw to see the index, or --platform)");
    }
    auto child_manifest = repo.GetManifest(child->digest.str());
    if (!child_manifest.ok()) return std::move(child_manifest).error().WithContext("inspect " + ref.str());
    HOIST_TRY_ASSIGN(any, ParseAnyManifest(child_manifest->bytes, child_manifest->media_type));
  }
  auto* manifest = std::get_if<Manifest>(&any);
  if (!manifest) return ParseError("an index inside an index is not supported by inspect");
  HOIST_TRY_ASSIGN(std::string config_raw, FetchConfig(repo, manifest->config()));
  if (ctx.args.count("config")) {
    std::cout << config_raw << "\n";
    return kExitOk;
  }
  nlohmann::json out;
  out["Name"] = ref.name();
  out["Digest"] = top_digest.str();
  if (!ctx.args.count("no-tags")) {
    HOIST_TRY_ASSIGN(auto tags, repo.ListTags());
    out["RepoTags"] = tags;
  }
  nlohmann::json layers = nlohmann::json::array(), layers_data = nlohmann::json::array();
  for (const auto& l : manifest->layers()) {
    layers.push_back(l.digest.str());
    layers_data.push_back({{"MIMEType", l.media_type}, {"Digest", l.digest.str()}, {"Size", l.size},
                           {"Annotations", l.annotations.empty() ? nlohmann::json(nullptr)
                                                                 : nlohmann::json(l.annotations)}});
  }
  if (IsConfig(manifest->config().media_type)) {
    HOIST_TRY_ASSIGN(ImageConfig config, ImageConfig::Parse(config_raw));
    out["Created"] = config.created();
    out["Architecture"] = config.architecture();
    if (!config.variant().empty()) out["Variant"] = config.variant();
    out["Os"] = config.os();
    const auto& cc = config.config();
    out["Labels"] = cc && !cc->labels.empty() ? nlohmann::json(cc->labels) : nlohmann::json(nullptr);
    out["Env"] = cc ? nlohmann::json(cc->env) : nlohmann::json::array();
  } else {
    out["ArtifactType"] = manifest->artifact_type().empty() ? manifest->config().media_type
                                                            : manifest->artifact_type();
  }
  out["Layers"] = layers;
  out["LayersData"] = layers_data;
  if (ctx.global.format == OutputFormat::kTemplate) {
    HOIST_TRY(PrintInspectDocuments(ctx, nlohmann::ordered_json::array({nlohmann::ordered_json::parse(
        out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))})));
    return kExitOk;
  }
  std::cout << DumpJson(out, 4) << "\n";
  return kExitOk;
}

}  // namespace

const CommandSpec& InspectCommand() {
  static const CommandSpec spec{
      "inspect", {}, "Show an image's or a container's details", "NAME | REF | docker://REF",
      "REF (a name, name@digest or image ID in the local store) prints a `docker inspect`-like JSON\n"
      "array: Id (config digest; the index digest for a multi-platform image), Digest, RepoTags,\n"
      "RepoDigests, Size, Created, Author, Architecture, Os, Config (the run defaults as stored),\n"
      "RootFS (diff_ids) and Manifest (media type, digest, config and layer descriptors).\n"
      "\n"
      "docker://REF asks the registry and prints a summary like `skopeo inspect`: name, digest, tags,\n"
      "created, platform, labels, env and layers.\n"
      "\n"
      "For a multi-platform image the rest describes the manifest for this machine's platform (or\n"
      "--platform). --raw prints the manifest (or index) bytes exactly as stored or served (their sha256\n"
      "is the image digest); --config prints the config blob. The output is JSON either way, so\n"
      "--format json changes nothing.\n"
      "\n"
      "NAME may also be a working container (name, id or id prefix; docker's order: a container first,\n"
      "then an image; --type image|container, or `hoist image inspect` / `hoist container inspect`,\n"
      "decides). A container prints docker's fields Id, Created, Path, Args, State (Status, Running,\n"
      "ExitCode, Pid), Image (the manifest digest), Name, Config (Image, Cmd) and GraphDriver.Data.MergedDir\n"
      "(its root filesystem).\n"
      "\n"
      "-f/--format TEMPLATE prints each document through a Go template, as `docker inspect -f`:\n"
      "'{{.Id}}', '{{json .Config}}', '{{index .Config.Labels \"org.opencontainers.image.version\"}}'\n"
      "(README, \"Templates\", lists what is supported).",
      "  hoist inspect alpine:3.19\n"
      "  hoist inspect --raw alpine:3.19 | sha256sum\n"
      "  hoist inspect docker://localhost:5000/team/app:v1\n"
      "  hoist inspect -f '{{.Config.Cmd}}' alpine:3.19\n"
      "  hoist container inspect -f '{{.State.Status}}' work\n"
      "  hoist inspect --config --platform linux/arm64 docker://localhost:5000/team/app:v1",
      AddInspectOptions, RunInspect};
  return spec;
}

}  // namespace hoist::tools
