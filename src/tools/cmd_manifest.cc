// `hoist manifest create|add|remove|annotate|inspect|push`: docker's manifest-list vocabulary. The
// list is kept in the store (edit/manifest_list.h) until pushed.
#include <iostream>

#include "core/json_parse.h"
#include "core/media_types.h"
#include "core/terminal_text.h"
#include "edit/config_changes.h"
#include "edit/image_read.h"
#include "edit/index_build.h"
#include "edit/manifest_list.h"
#include "store/layout_paths.h"
#include "store/oci_layout.h"
#include "tools/command.h"
#include "tools/edit_flags.h"
#include "tools/registry_flags.h"

namespace hoist::tools {

namespace {

using Json = nlohmann::ordered_json;

edit::ManifestListStore Lists(const CommandContext& ctx) {
  store::LayoutPaths paths(store::DefaultStorePath(ctx.global.store));
  return edit::ManifestListStore(paths.PrivateDir() + "/manifest-lists");
}

// A location as docker's manifest verbs take it: a bare reference means a registry.
Result<transfer::Location> ManifestLocation(const std::string& text) {
  const bool bare = text.find("://") == std::string::npos && text.rfind("oci:", 0) != 0 &&
                    text.rfind("oci-archive:", 0) != 0 && text.rfind("docker-archive:", 0) != 0;
  auto l = transfer::ParseLocation(bare ? "docker://" + text : text, {.allow_store = false, .default_tag = true});
  if (!l.ok()) return UsageError(l.error().message());
  return l;
}

Result<std::string> ListName(const std::string& text) {
  auto ref = ParseRegistryReference(text);
  if (!ref.ok()) return UsageError("the list name must be a reference (HOST/REPO:TAG): " + ref.error().message());
  return ref->str();
}

// Endpoints for reading sources: a registry client and the store.
struct Reading {
  std::unique_ptr<registry::RegistryClient> client;
  transfer::Endpoints ep;
};

Result<Reading> OpenReading(const CommandContext& ctx) {
  Reading r;
  HOIST_TRY_ASSIGN(r.client, MakeRegistryClient(ctx));
  r.ep.client = r.client.get();
  r.ep.store_path = store::DefaultStorePath(ctx.global.store);
  return r;
}

// The entries each SRC contributes, with the location each came from.
Status AddSources(const CommandContext& ctx, const std::vector<std::string>& sources, edit::ManifestList& list) {
  HOIST_TRY_ASSIGN(Reading reading, OpenReading(ctx));
  for (const auto& text : sources) {
    HOIST_TRY_ASSIGN(transfer::Location l, ManifestLocation(text));
    HOIST_TRY_ASSIGN(auto source, transfer::OpenSource(l, reading.ep));
    std::vector<std::unique_ptr<transfer::ImageSource>> one;
    one.push_back(std::move(source));
    edit::CombinedSource combined(std::move(one));
    HOIST_TRY_ASSIGN(auto entries, edit::CollectEntries(combined, 0));
    for (auto& e : entries) {
      list.sources[e.digest] = l.str();
      if (list.Find(e.digest) == nullptr) list.entries.push_back(std::move(e));
    }
  }
  return Ok();
}

Result<edit::ManifestList> LoadList(const CommandContext& ctx, const std::string& name) {
  HOIST_TRY_ASSIGN(auto list, Lists(ctx).Load(name));
  if (!list) return NotFound("there is no manifest list " + name + " (make it with hoist manifest create)");
  return std::move(*list);
}

// CHILD: a digest in the list, or a location whose entries are meant.
Result<std::vector<Digest>> ChildDigests(const CommandContext& ctx, const edit::ManifestList& list,
                                         const std::string& text) {
  if (auto d = Digest::Parse(text); d.ok()) return std::vector<Digest>{*d};
  edit::ManifestList probe;
  HOIST_TRY(AddSources(ctx, {text}, probe));
  std::vector<Digest> out;
  for (const auto& e : probe.entries) {
    if (list.sources.count(e.digest)) out.push_back(e.digest);
  }
  if (out.empty()) return NotFound(text + " is not in manifest list " + list.name);
  return out;
}

Result<int> RunCreate(CommandContext& ctx) {
  if (ctx.positional.size() < 2) return UsageError("manifest create needs a list NAME and at least one image");
  HOIST_TRY_ASSIGN(std::string name, ListName(ctx.positional[0]));
  HOIST_TRY_ASSIGN(auto existing, Lists(ctx).Load(name));
  if (existing && !ctx.args.count("amend")) {
    return Error(ErrorCode::kAlreadyExists, "manifest list " + name + " already exists: add --amend to add to it");
  }
  edit::ManifestList list = existing ? std::move(*existing) : edit::ManifestList{name, {}, {}, {}};
  HOIST_TRY(AddSources(ctx, {ctx.positional.begin() + 1, ctx.positional.end()}, list));
  HOIST_TRY(Lists(ctx).Save(list));
  std::cout << "Created manifest list " << name << "\n";
  return kExitOk;
}

Result<int> RunAdd(CommandContext& ctx) {
  if (ctx.positional.size() < 2) return UsageError("manifest add needs a list NAME and at least one image");
  HOIST_TRY_ASSIGN(std::string name, ListName(ctx.positional[0]));
  HOIST_TRY_ASSIGN(edit::ManifestList list, LoadList(ctx, name));
  HOIST_TRY(AddSources(ctx, {ctx.positional.begin() + 1, ctx.positional.end()}, list));
  HOIST_TRY(Lists(ctx).Save(list));
  return kExitOk;
}

Result<int> RunRemove(CommandContext& ctx) {
  if (ctx.positional.size() < 2) return UsageError("manifest remove needs a list NAME and at least one CHILD");
  HOIST_TRY_ASSIGN(std::string name, ListName(ctx.positional[0]));
  HOIST_TRY_ASSIGN(edit::ManifestList list, LoadList(ctx, name));
  for (size_t i = 1; i < ctx.positional.size(); ++i) {
    HOIST_TRY_ASSIGN(auto digests, ChildDigests(ctx, list, ctx.positional[i]));
    for (const auto& d : digests) {
      if (list.Find(d) == nullptr) return NotFound(d.str() + " is not in manifest list " + name);
      std::erase_if(list.entries, [&](const Descriptor& e) { return e.digest == d; });
      list.sources.erase(d);
    }
  }
  HOIST_TRY(Lists(ctx).Save(list));
  return kExitOk;
}

Result<int> RunAnnotate(CommandContext& ctx) {
  if (ctx.positional.size() != 2) return UsageError("manifest annotate needs a list NAME and one CHILD");
  const auto& a = ctx.args;
  HOIST_TRY_ASSIGN(std::string name, ListName(ctx.positional[0]));
  std::vector<std::pair<std::string, std::string>> annotations;
  for (const auto& text : RepeatedFlag(a, "annotation")) {
    auto kv = edit::ParseKeyValue(text, "--annotation");
    if (!kv.ok()) return UsageError(kv.error().message());
    annotations.push_back(*kv);
  }
  HOIST_TRY_ASSIGN(edit::ManifestList list, LoadList(ctx, name));
  HOIST_TRY_ASSIGN(auto digests, ChildDigests(ctx, list, ctx.positional[1]));
  for (const auto& d : digests) {
    Descriptor* e = list.Find(d);
    if (e == nullptr) return NotFound(d.str() + " is not in manifest list " + name);
    Platform p = e->platform.value_or(Platform{});
    if (a.count("os")) p.os = a["os"].as<std::string>();
    if (a.count("arch")) p.architecture = a["arch"].as<std::string>();
    if (a.count("variant")) p.variant = a["variant"].as<std::string>();
    if (a.count("os-version")) p.os_version = a["os-version"].as<std::string>();
    if (p.os.empty() || p.architecture.empty()) return UsageError("an entry's platform needs both --os and --arch");
    e->platform = p;
    for (const auto& [k, v] : annotations) e->annotations[k] = v;
  }
  HOIST_TRY(Lists(ctx).Save(list));
  return kExitOk;
}

Json DocumentJson(const std::string& bytes) {
  auto j = ParseOrderedJson(bytes);
  return j.ok() ? *j : Json(bytes);
}

Result<int> RunInspect(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("manifest inspect needs one list NAME or image REF");
  const std::string& text = ctx.positional[0];
  if (auto name = ParseRegistryReference(text); name.ok()) {
    HOIST_TRY_ASSIGN(auto list, Lists(ctx).Load(name->str()));
    if (list) {
      Json j = {{"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}};
      j["manifests"] = Json::array();
      for (const auto& e : list->entries) j["manifests"].push_back(ToJson(e));
      if (!list->annotations.empty()) j["annotations"] = list->annotations;
      std::cout << DumpJson(j, 3) << "\n";
      return kExitOk;
    }
  }
  HOIST_TRY_ASSIGN(transfer::Location l, ManifestLocation(text));
  HOIST_TRY_ASSIGN(Reading reading, OpenReading(ctx));
  HOIST_TRY_ASSIGN(auto source, transfer::OpenSource(l, reading.ep));
  HOIST_TRY_ASSIGN(transfer::ManifestBytes top, source->GetManifest(std::nullopt));
  if (ctx.global.verbosity == 0) {
    std::cout << DumpJson(DocumentJson(top.bytes), 3) << "\n";
    return kExitOk;
  }
  // docker's --verbose: each image with its descriptor and its manifest.
  HOIST_TRY_ASSIGN(AnyManifest doc, edit::ReadDocument(*source, std::nullopt));
  Json out = Json::array();
  auto describe = [&](const Descriptor& d, const std::string& bytes) {
    Json o = {{"Ref", l.str()}, {"Descriptor", ToJson(d)}};
    o[IsDocker(d.media_type) ? "SchemaV2Manifest" : "OCIManifest"] = DocumentJson(bytes);
    out.push_back(o);
  };
  if (const auto* index = std::get_if<Index>(&doc)) {
    for (const auto& e : index->manifests()) {
      HOIST_TRY_ASSIGN(transfer::ManifestBytes child, source->GetManifest(e.digest));
      describe(e, child.bytes);
    }
  } else {
    describe(std::get<Manifest>(doc).ToDescriptor(), top.bytes);
  }
  std::cout << DumpJson(std::holds_alternative<Index>(doc) ? out : out[0], 3) << "\n";
  return kExitOk;
}

Result<int> RunPush(CommandContext& ctx) {
  if (ctx.positional.empty() || ctx.positional.size() > 2) return UsageError("manifest push needs a list NAME [and DST]");
  HOIST_TRY_ASSIGN(std::string name, ListName(ctx.positional[0]));
  HOIST_TRY_ASSIGN(edit::ManifestList list, LoadList(ctx, name));
  if (list.entries.empty()) return UsageError("manifest list " + name + " is empty");
  HOIST_TRY_ASSIGN(transfer::Location dst, ManifestLocation(ctx.positional.size() == 2 ? ctx.positional[1] : name));
  std::vector<std::string> where;  // each source location once
  for (const auto& e : list.entries) {
    auto it = list.sources.find(e.digest);
    if (it == list.sources.end()) return Internal("manifest list " + name + " does not say where " + e.digest.str() + " is");
    if (std::find(where.begin(), where.end(), it->second) == where.end()) where.push_back(it->second);
  }
  std::vector<transfer::Location> locations;
  for (const auto& w : where) {
    HOIST_TRY_ASSIGN(transfer::Location l, ManifestLocation(w));
    locations.push_back(l);
  }
  edit::CombinedSource* combined = nullptr;
  auto open = [&](const transfer::Endpoints& ep) -> Result<std::unique_ptr<transfer::ImageSource>> {
    std::vector<std::unique_ptr<transfer::ImageSource>> sources;
    for (const auto& l : locations) {
      HOIST_TRY_ASSIGN(auto s, transfer::OpenSource(l, ep));
      sources.push_back(std::move(s));
    }
    auto c = std::make_unique<edit::CombinedSource>(std::move(sources));
    combined = c.get();
    return std::unique_ptr<transfer::ImageSource>(std::move(c));
  };
  auto build = [&](transfer::ImageSource&, const transfer::Endpoints&) -> Result<edit::EditedImage> {
    std::map<Digest, bool> found;
    for (size_t i = 0; i < combined->size(); ++i) {
      HOIST_TRY_ASSIGN(auto entries, edit::CollectEntries(*combined, i));
      for (const auto& e : entries) found[e.digest] = true;
    }
    for (const auto& e : list.entries) {
      if (!found[e.digest]) {
        return NotFound(e.digest.str() + " is no longer at " + list.sources[e.digest] +
                        ": remove it from the list or add the image again");
      }
    }
    edit::IndexBuildOptions options;
    options.format = ParseManifestFormat(ctx.global.format_name);
    options.annotations = list.annotations;
    return edit::MakeIndex(list.entries, std::nullopt, options);
  };
  HOIST_TRY_ASSIGN(int code, RunEditAt(ctx, "manifest push", locations.front(), dst, open, build, true));
  if (code == kExitOk && ctx.args.count("purge")) HOIST_TRY(Lists(ctx).Remove(name));
  return code;
}

}  // namespace

#define HOIST_MANIFEST_SPEC(FN, NAME, SUMMARY, POSITIONAL, DESCRIPTION, EXAMPLES, OPTIONS, RUN) \
  const CommandSpec& FN() {                                                                     \
    static const CommandSpec spec{NAME, {}, SUMMARY, POSITIONAL, DESCRIPTION, EXAMPLES, OPTIONS, RUN}; \
    return spec;                                                                                \
  }

HOIST_MANIFEST_SPEC(ManifestCreateCommand, "manifest create", "Start a manifest list from images", "NAME SRC...",
                    "Starts the manifest list NAME (a reference: where `manifest push` sends it) from the images\n"
                    "SRC... (as `docker manifest create`): an image becomes an entry with its config's platform, an\n"
                    "index contributes its entries. A bare SRC is a registry reference; oci:, oci-archive: and\n"
                    "docker-archive: locations work too. The list is kept in the store until pushed; an existing\n"
                    "list is refused unless --amend adds to it.",
                    "  hoist manifest create localhost:5000/app:1 localhost:5000/app:1-amd64 localhost:5000/app:1-arm64",
                    [](cxxopts::Options& o) {
                      o.add_options("Manifest")("amend", "Add to an existing list");
                      AddRegistryOptions(o);
                    },
                    RunCreate)

HOIST_MANIFEST_SPEC(ManifestAddCommand, "manifest add", "Add images to a manifest list", "NAME SRC...",
                    "Adds the images SRC... (or an index's entries) to the manifest list NAME.",
                    "  hoist manifest add localhost:5000/app:1 localhost:5000/app:1-s390x",
                    [](cxxopts::Options& o) { AddRegistryOptions(o); }, RunAdd)

HOIST_MANIFEST_SPEC(ManifestRemoveCommand, "manifest remove", "Remove images from a manifest list", "NAME CHILD...",
                    "Removes entries from the manifest list NAME: CHILD is an entry's digest, or an image whose\n"
                    "entries are meant.",
                    "  hoist manifest remove localhost:5000/app:1 sha256:4a3b67f9c749f5f4acd837d93c64d54f9497454b83d616e2d6c16b46ee1dbfd7",
                    [](cxxopts::Options& o) { AddRegistryOptions(o); }, RunRemove)

HOIST_MANIFEST_SPEC(ManifestAnnotateCommand, "manifest annotate", "Set an entry's platform or annotations",
                    "NAME CHILD",
                    "Changes the entry CHILD (a digest, or an image) of the manifest list NAME, as `docker manifest\n"
                    "annotate`: its platform (--os, --arch, --variant, --os-version) and annotations (OCI only).",
                    "  hoist manifest annotate localhost:5000/app:1 localhost:5000/app:1-arm --arch arm --variant v7",
                    [](cxxopts::Options& o) {
                      o.add_options("Manifest")("os", "Operating system", cxxopts::value<std::string>(), "OS")
                          ("arch", "Architecture", cxxopts::value<std::string>(), "ARCH")
                          ("variant", "Architecture variant", cxxopts::value<std::string>(), "VARIANT")
                          ("os-version", "Operating system version", cxxopts::value<std::string>(), "VERSION")
                          ("annotation", "Set an annotation on the entry (repeatable)", cxxopts::value<std::string>(),
                           "KEY=VALUE");
                      AddRegistryOptions(o);
                    },
                    RunAnnotate)

HOIST_MANIFEST_SPEC(ManifestInspectCommand, "manifest inspect", "Show a manifest list or an image's manifest",
                    "NAME|REF",
                    "Prints the manifest list NAME being put together, or the manifest or index at REF (a registry\n"
                    "reference, or any location), as JSON. -v/--verbose (as docker): for each image, its descriptor\n"
                    "and its manifest.",
                    "  hoist manifest inspect localhost:5000/app:1\n"
                    "  hoist manifest inspect --verbose docker://localhost:5000/app:1",
                    [](cxxopts::Options& o) { AddRegistryOptions(o); }, RunInspect)

HOIST_MANIFEST_SPEC(ManifestPushCommand, "manifest push", "Push a manifest list", "NAME [DST]",
                    "Writes the manifest list NAME to DST (default: NAME in its registry), copying each child and\n"
                    "its blobs from where they were found (mounted where the registry allows). An OCI image index,\n"
                    "or a Docker manifest list when every child is Docker schema 2; mixed children are refused\n"
                    "unless --format oci|v2s2 converts them all. --purge forgets the list once pushed. The new\n"
                    "digest is printed on stdout.",
                    "  hoist manifest push localhost:5000/app:1\n"
                    "  hoist --format v2s2 manifest push localhost:5000/app:1 oci:/tmp/layout:app --purge",
                    [](cxxopts::Options& o) {
                      o.add_options("Manifest")("purge", "Forget the list after pushing it");
                      AddRegistryOptions(o);
                    },
                    RunPush)

}  // namespace hoist::tools
