// `hoist append`: add layers (tar files or directories) to an image without a daemon (crane append).
#include "edit/append.h"
#include "tools/command.h"
#include "tools/edit_flags.h"

namespace hoist::tools {

namespace {

Result<int> RunAppend(CommandContext& ctx) {
  const std::vector<std::string> inputs = RepeatedFlag(ctx.args, "layer");
  if (inputs.empty()) return UsageError("append needs at least one --layer TAR|DIR");
  HOIST_TRY_ASSIGN(NewLayerFlags flags, ReadNewLayerFlags(ctx));
  edit::AppendOptions options;
  options.created = flags.created;
  options.platforms = flags.platforms;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto layer = edit::MakeLayer(inputs[i], flags.spool->path(), "layer-" + std::to_string(i), flags.layer);
    if (!layer.ok()) {
      if (layer.error().code() == ErrorCode::kInvalidArgument) return UsageError(layer.error().message());
      return std::move(layer).error();
    }
    options.layers.push_back(*layer);
    options.names.push_back(inputs[i]);
  }
  return RunEdit(ctx, "append", [&](transfer::ImageSource& source, const transfer::Endpoints&) {
    return edit::Append(source, options);
  }, false, flags.recompress);
}

}  // namespace

const CommandSpec& AppendCommand() {
  static const std::string description = std::string(
      "Adds each --layer on top of SRC's layers, in the order given (as `crane append`): a TAR file\n"
      "(plain, gzip or zstd; its entries re-written with their paths checked, as `hoist import` does)\n"
      "or a DIR (archived as `build` archives a layer: sorted, with SOURCE_DATE_EPOCH clamping the\n"
      "mtimes, so the same directory gives the same digest). Each layer's diff_id and a history entry\n"
      "(\"hoist append PATH\", created now or at SOURCE_DATE_EPOCH) go into the config.\n"
      "On an index, every image (or those of --platform) gets the layers.\n") + kLayerCompressionHelp + "\n\n" +
      kEditHelp;
  static const CommandSpec spec{
      "append", {}, "Add layers (tar files or directories) on top of an image", "SRC", description.c_str(),
      "  hoist append docker://localhost:5000/app:1 --layer ./extra.tar -t docker://localhost:5000/app:2\n"
      "  hoist append app:1 --layer ./static-files --compress zstd\n"
      "  hoist append app:1 --layer ./static-files --compress zstd --force-compression -t app:1-zstd\n"
      "  SOURCE_DATE_EPOCH=0 hoist append oci:/tmp/layout:app --layer ./a.tar.gz --layer ./dir",
      [](cxxopts::Options& o) {
        AddLayerCompressionOptions(o);
        o.add_options("Append")
            ("layer", "A tar file or directory to add as a layer (repeatable)", cxxopts::value<std::string>(),
             "TAR|DIR")
            ("platform", "In an index, add to the image for this platform only (repeatable)",
             cxxopts::value<std::string>(), "OS/ARCH[/VARIANT]");
        AddEditOptions(o);
      },
      RunAppend};
  return spec;
}

}  // namespace hoist::tools
