// `hoist flatten`: squash an image's layers into one without a daemon (crane flatten).
#include <ctime>

#include "edit/flatten.h"
#include "store/import.h"
#include "store/layout_paths.h"
#include "store/oci_layout.h"
#include "tools/command.h"
#include "tools/edit_flags.h"

namespace hoist::tools {

namespace {

Result<int> RunFlatten(CommandContext& ctx) {
  const auto& a = ctx.args;
  edit::FlattenOptions options;
  HOIST_TRY_ASSIGN(options.layer, ReadLayerCompression(ctx));
  auto epoch = store::SourceDateEpoch();
  if (!epoch.ok()) return UsageError(epoch.error().message());
  options.created = store::Rfc3339(*epoch ? **epoch : static_cast<int64_t>(std::time(nullptr)));
  for (const auto& text : RepeatedFlag(a, "platform")) {
    auto p = Platform::Parse(text);
    if (!p.ok()) return UsageError("--platform: " + p.error().message());
    options.platforms.push_back(*p);
  }
  store::LayoutPaths paths(store::DefaultStorePath(ctx.global.store));
  HOIST_TRY_ASSIGN(edit::Spool spool, edit::Spool::Create(paths.TempDir()));
  options.spool = spool.path();
  return RunEdit(ctx, "flatten", [&](transfer::ImageSource& source, const transfer::Endpoints&) {
    return edit::Flatten(source, options);
  });
}

}  // namespace

const CommandSpec& FlattenCommand() {
  static const std::string description = std::string(
      "Squashes SRC's layers into one (as `crane flatten`): the layers are applied bottom to top with\n"
      "their whiteouts, as `hoist export` does, each checked against its digest and diff_id. The\n"
      "config keeps its history, every entry marked as an empty layer, plus a \"hoist flatten\" entry\n"
      "(created now or at SOURCE_DATE_EPOCH) for the new layer. On an index, each image (or those of\n"
      "--platform) is flattened on its own.\n") + kLayerCompressionHelp + "\n\n" + kEditHelp;
  static const CommandSpec spec{
      "flatten", {}, "Squash an image's layers into one", "SRC", description.c_str(),
      "  hoist flatten docker://localhost:5000/app:1 -t docker://localhost:5000/app:1-flat\n"
      "  hoist flatten app:1 --compress zstd --compression-level 9",
      [](cxxopts::Options& o) {
        AddLayerCompressionOptions(o);
        o.add_options("Flatten")("platform", "In an index, flatten the image for this platform only (repeatable)",
                                 cxxopts::value<std::string>(), "OS/ARCH[/VARIANT]");
        AddEditOptions(o);
      },
      RunFlatten};
  return spec;
}

}  // namespace hoist::tools
