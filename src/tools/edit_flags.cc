#include "tools/edit_flags.h"

#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "core/terminal_text.h"
#include "store/import.h"
#include "store/layout_paths.h"
#include "store/oci_layout.h"
#include "tools/registry_flags.h"
#include "tools/transfer_errors.h"
#include "tools/transfer_flags.h"
#include "transfer/cancel.h"
#include "transfer/copy.h"
#include "transfer/progress.h"

namespace hoist::tools {

const char* const kEditHelp =
    "SRC and DST are any location hoist reads and writes (docker://HOST/REPO:TAG, oci:DIR[:REF],\n"
    "oci-archive:FILE[:REF], docker-archive:FILE[:REF], or a bare REF for the local store); without -t\n"
    "the result replaces SRC (an archive is rewritten holding the result only). Only new documents\n"
    "and layers move: layers already at DST are reused and, in the same registry, mounted. Documents\n"
    "the edit does not change keep their bytes and digests. The new digest is printed on stdout.\n"
    "--format oci|v2s2 converts the result's manifests (as copy does). Signatures of the old digest\n"
    "do not apply to the new one and are left behind.";

const char* const kLayerCompressionHelp =
    "--compress gzip (the default; ISA-L's fast gzip unless --compression-level is given), zstd (OCI\n"
    "images only: Docker schema 2 has no zstd layers) or none; --compression-level N: gzip 0..9, zstd\n"
    "1..19. The same input and level give the same digest. --force-compression also recompresses the\n"
    "image's other layers into that format, so the whole result has one (their diff_ids stay).";

void AddLayerCompressionOptions(cxxopts::Options& o) {
  AddCompressionOptions(o, "Compression of the new layers: gzip (default), zstd or none");
}

Result<NewLayerFlags> ReadNewLayerFlags(const CommandContext& ctx) {
  NewLayerFlags f;
  HOIST_TRY_ASSIGN(transfer::LayerCompressionChoice choice, ReadCompressionChoice(ctx, Compression::kGzip));
  f.layer.compression = choice.target.value_or(Compression::kGzip);
  f.layer.level = choice.level;
  if (choice.force) {
    f.recompress = choice;
    f.recompress.target = f.layer.compression;
  }
  auto epoch = store::SourceDateEpoch();
  if (!epoch.ok()) return UsageError(epoch.error().message());
  f.layer.timestamp = *epoch;
  f.created = store::Rfc3339(*epoch ? **epoch : static_cast<int64_t>(std::time(nullptr)));
  for (const auto& text : RepeatedFlag(ctx.args, "platform")) {
    auto p = Platform::Parse(text);
    if (!p.ok()) return UsageError("--platform: " + p.error().message());
    f.platforms.push_back(*p);
  }
  store::LayoutPaths paths(store::DefaultStorePath(ctx.global.store));
  HOIST_TRY_ASSIGN(edit::Spool spool, edit::Spool::Create(paths.TempDir()));
  f.spool.emplace(std::move(spool));
  return f;
}

void AddEditOptions(cxxopts::Options& o) {
  o.add_options("Edit")("t,tag", "Where to write the result (default: SRC itself)", cxxopts::value<std::string>(),
                        "DST");
  AddRegistryOptions(o);
}

Result<int> RunEdit(CommandContext& ctx, const std::string& verb, const EditFunction& edit, bool registry_needed,
                    const transfer::LayerCompressionChoice& compression) {
  if (ctx.positional.size() != 1) return UsageError(verb + " needs exactly one SRC (the image to edit)");
  auto src = transfer::ParseLocation(ctx.positional[0], {.allow_store = true, .default_tag = true});
  if (!src.ok()) return UsageError(src.error().message());
  transfer::Location dst = *src;
  if (ctx.args.count("tag")) {
    auto parsed = transfer::ParseLocation(ctx.args["tag"].as<std::string>(), {.allow_store = true, .default_tag = true});
    if (!parsed.ok()) return UsageError("-t: " + parsed.error().message());
    dst = *parsed;
  }
  if (src->kind == transfer::LocationKind::kDockerArchive && dst.kind == transfer::LocationKind::kDockerArchive &&
      src->path == dst.path) {
    // A docker-archive destination is written whole while the source is still read.
    return UsageError(verb + " cannot rewrite docker-archive:" + src->path + " in place: give -t another file");
  }
  const transfer::Location source_location = *src;
  auto open = [&](const transfer::Endpoints& ep) { return transfer::OpenSource(source_location, ep); };
  return RunEditAt(ctx, verb, *src, dst, open, edit, registry_needed, compression);
}

Result<int> RunEditAt(CommandContext& ctx, const std::string& verb, const transfer::Location& src_location,
                      const transfer::Location& dst, const SourceOpener& open, const EditFunction& edit,
                      bool registry_needed, const transfer::LayerCompressionChoice& compression) {
  const transfer::Location* src = &src_location;
  HOIST_TRY_ASSIGN(EndpointSet endpoints,
                   MakeEndpoints(ctx, registry_needed || src->kind == transfer::LocationKind::kRegistry ||
                                          dst.kind == transfer::LocationKind::kRegistry));
  const transfer::Endpoints& ep = endpoints.ep;
  const std::string action = verb + " " + src->str() + (dst.str() == src->str() ? "" : " to " + dst.str());
  auto shape = [&](Error e) { return ShapeTransferError(e, action, {src->str(), dst.str()}); };

  auto source = open(ep);
  if (!source.ok()) return shape(std::move(source).error());
  auto edited = edit(**source, ep);
  if (!edited.ok()) {
    if (edited.error().code() == ErrorCode::kInvalidArgument) return UsageError(edited.error().message());
    return shape(std::move(edited).error());
  }
  auto overlay = edit::EditedSource(**source, *edited);

  transfer::InstallInterruptHandler();
  transfer::ProgressReporter progress(ProgressModeOf(ctx.global.progress), stderr);
  progress.SetLabels(transfer::CopyLabels());
  auto destination = transfer::OpenDestination(dst, ep, src);
  if (!destination.ok()) return shape(std::move(destination).error());
  transfer::CopyOptions options;
  options.tag = transfer::DestinationTag(dst, *src);
  options.format = ParseManifestFormat(ctx.global.format_name);
  options.progress = &progress;
  options.spool_dir = endpoints.temp_dir;
  options.compression = compression;
  auto report = transfer::Copy(*overlay, **destination, options);
  progress.End();
  endpoints.SaveCache();
  if (!report.ok()) return shape(std::move(report).error());

  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::json out = {{"digest", report->image.digest.str()}, {"media_type", report->image.media_type},
                          {"destination", dst.str()},             {"copied", report->copied},
                          {"reused", report->reused},             {"mounted", report->mounted},
                          {"bytes", report->bytes}};
    std::cout << DumpJson(out, 2) << "\n";
  } else {
    if (progress.mode() == transfer::ProgressMode::kNone) {
      for (const auto& n : report->notes) std::cerr << "note: " << EscapeForTerminal(n) << "\n";
    }
    std::cout << report->image.digest.str() << "\n";
  }
  return kExitOk;
}

}  // namespace hoist::tools
