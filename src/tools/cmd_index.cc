// `hoist index create|append`: build a multi-platform index straight at a location (crane index
// append, regctl index create, docker buildx imagetools create).
#include "edit/index_build.h"
#include "edit/config_changes.h"
#include "tools/command.h"
#include "tools/edit_flags.h"
#include "tools/registry_flags.h"

namespace hoist::tools {

namespace {

const char* const kIndexHelp =
    "Each SRC is a single image (its entry's platform comes from its config) or an index (its\n"
    "entries are taken as they are); a child listed twice is listed once. Children and their blobs\n"
    "are copied to DST's repository (mounted where the registry allows). The index is an OCI image\n"
    "index, or a Docker manifest list when every child is Docker schema 2; children of both families\n"
    "are refused unless --format oci|v2s2 converts them all, so an index never mixes them. A Docker\n"
    "manifest list has no annotations. The new digest is printed on stdout.";

Result<transfer::Location> ParseLocationArg(const std::string& text, const std::string& what) {
  auto l = transfer::ParseLocation(text, {.allow_store = true, .default_tag = true});
  if (!l.ok()) return UsageError(what + ": " + l.error().message());
  return l;
}

Result<int> RunIndex(CommandContext& ctx, bool append) {
  const std::string verb = append ? "index append" : "index create";
  if (ctx.positional.size() < 2) {
    return UsageError(verb + (append ? " needs the INDEX and at least one SRC" : " needs DST and at least one SRC"));
  }
  std::vector<transfer::Location> parts;
  bool registry = false;
  for (size_t i = 0; i < ctx.positional.size(); ++i) {
    if (i == 0 && !append) continue;
    HOIST_TRY_ASSIGN(transfer::Location l, ParseLocationArg(ctx.positional[i], i == 0 ? "INDEX" : "SRC"));
    registry |= l.kind == transfer::LocationKind::kRegistry;
    parts.push_back(std::move(l));
  }
  transfer::Location dst = parts.front();
  if (!append) {
    HOIST_TRY_ASSIGN(dst, ParseLocationArg(ctx.positional[0], "DST"));
  } else if (ctx.args.count("tag")) {
    HOIST_TRY_ASSIGN(dst, ParseLocationArg(ctx.args["tag"].as<std::string>(), "-t"));
  }
  edit::IndexBuildOptions options;
  options.first_is_base = append;
  options.format = ParseManifestFormat(ctx.global.format_name);
  for (const auto& text : RepeatedFlag(ctx.args, "annotation")) {
    auto kv = edit::ParseKeyValue(text, "--annotation");
    if (!kv.ok()) return UsageError(kv.error().message());
    options.annotations[kv->first] = kv->second;
  }
  edit::CombinedSource* combined = nullptr;
  auto open = [&](const transfer::Endpoints& ep) -> Result<std::unique_ptr<transfer::ImageSource>> {
    std::vector<std::unique_ptr<transfer::ImageSource>> sources;
    for (const auto& l : parts) {
      HOIST_TRY_ASSIGN(auto s, transfer::OpenSource(l, ep));
      sources.push_back(std::move(s));
    }
    auto c = std::make_unique<edit::CombinedSource>(std::move(sources));
    combined = c.get();
    return std::unique_ptr<transfer::ImageSource>(std::move(c));
  };
  auto build = [&](transfer::ImageSource&, const transfer::Endpoints&) { return edit::BuildIndex(*combined, options); };
  return RunEditAt(ctx, verb, append ? parts.front() : dst, dst, open, build, registry);
}

void AddIndexOptions(cxxopts::Options& o, bool append) {
  o.add_options("Index")("a,annotation", "Set an annotation on the index (repeatable)", cxxopts::value<std::string>(),
                         "KEY=VALUE");
  if (append) {
    AddEditOptions(o);
  } else {
    AddRegistryOptions(o);
  }
}

}  // namespace

const CommandSpec& IndexCreateCommand() {
  static const std::string description =
      std::string("Writes a new multi-platform index at DST listing the images SRC... (as `regctl index create`\n"
                  "and `docker buildx imagetools create`).\n") + kIndexHelp;
  static const CommandSpec spec{
      "index create", {}, "Create a multi-platform index from images", "DST SRC...", description.c_str(),
      "  hoist index create docker://localhost:5000/app:1 docker://localhost:5000/app:1-amd64 \\\n"
      "      docker://localhost:5000/app:1-arm64\n"
      "  hoist --format oci index create oci:/tmp/layout:multi app:amd64 docker-archive:arm64.tar",
      [](cxxopts::Options& o) { AddIndexOptions(o, false); },
      [](CommandContext& ctx) { return RunIndex(ctx, false); }};
  return spec;
}

const CommandSpec& IndexAppendCommand() {
  static const std::string description =
      std::string("Adds the images SRC... to the index INDEX (as `crane index append`) and writes it back\n"
                  "(or to -t DST). INDEX's entries and annotations stay.\n") + kIndexHelp;
  static const CommandSpec spec{
      "index append", {}, "Add images to a multi-platform index", "INDEX SRC...", description.c_str(),
      "  hoist index append docker://localhost:5000/app:1 docker://localhost:5000/app:1-riscv64\n"
      "  hoist index append oci:/tmp/layout:multi app:s390x -t docker://localhost:5000/app:2",
      [](cxxopts::Options& o) { AddIndexOptions(o, true); },
      [](CommandContext& ctx) { return RunIndex(ctx, true); }};
  return spec;
}

}  // namespace hoist::tools
