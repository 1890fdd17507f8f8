// `hoist flatten`: squash an image's layers into one without a daemon (crane flatten).
#include "edit/flatten.h"
#include "tools/command.h"
#include "tools/edit_flags.h"

namespace hoist::tools {

namespace {

Result<int> RunFlatten(CommandContext& ctx) {
  HOIST_TRY_ASSIGN(NewLayerFlags flags, ReadNewLayerFlags(ctx));
  edit::FlattenOptions options;
  options.layer = flags.layer;
  options.created = flags.created;
  options.platforms = flags.platforms;
  options.spool = flags.spool->path();
  return RunEdit(ctx, "flatten", [&](transfer::ImageSource& source, const transfer::Endpoints&) {
    return edit::Flatten(source, options);
  }, false, flags.recompress);
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
