// `hoist import FILE|- REF`: a root filesystem tarball becomes a one-layer image in the store.

#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "core/platform.h"
#include "store/import.h"
#include "store/oci_layout.h"
#include "tools/command.h"

namespace hoist::tools {

namespace {

void AddImportOptions(cxxopts::Options& o) {
  o.add_options()
      ("c,change", "Apply a Dockerfile instruction to the config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, "
                   "WORKDIR, VOLUME, STOPSIGNAL); repeatable",
       cxxopts::value<std::vector<std::string>>(), "INSTRUCTION")
      ("m,message", "Comment of the image's history entry", cxxopts::value<std::string>(), "TEXT")
      ("platform", "Platform the image is for (default: this machine's)", cxxopts::value<std::string>(),
       "OS/ARCH[/VARIANT]");
}

Result<int> RunImport(CommandContext& ctx) {
  if (ctx.positional.size() != 2) return UsageError("import needs FILE (or - for standard input) and REF");
  const std::string& file = ctx.positional[0];
  auto ref = Reference::Parse(ctx.positional[1]);
  if (!ref.ok()) return UsageError(ref.error().message());
  if (ref->digest()) return UsageError("import names its image with a tag, not a digest");
  store::ImportOptions options;
  options.changes = RepeatedFlag(ctx.args, "change");
  if (ctx.args.count("message")) options.message = ctx.args["message"].as<std::string>();
  if (ctx.args.count("platform")) {
    auto p = Platform::Parse(ctx.args["platform"].as<std::string>());
    if (!p.ok()) return UsageError(p.error().message());
    options.platform = p->Normalized();
  }
  std::unique_ptr<Reader> in;
  if (file == "-") {
    if (::isatty(STDIN_FILENO)) return UsageError("refusing to read a tarball from a terminal");
    in = std::make_unique<FdReader>(STDIN_FILENO, false);
  } else {
    HOIST_TRY_ASSIGN(in, FdReader::Open(file));
  }
  HOIST_TRY_ASSIGN(auto s, store::OciLayout::Open(store::DefaultStorePath(ctx.global.store),
                                                  store::OciLayout::OpenMode::kCreate));
  auto result = store::ImportRootfs(s, *in, *ref, options);
  if (!result.ok()) return std::move(result).error().WithContext("import " + file);
  if (ctx.global.format == OutputFormat::kJson) {
    std::cout << DumpJson(nlohmann::json{{"Name", ref->str()},
                                         {"Digest", result->manifest.digest.str()},
                                         {"Id", result->config.str()},
                                         {"DiffId", result->diff_id.str()}},
                          2)
              << "\n";
  } else {
    std::cout << result->config.str() << "\n";
  }
  return kExitOk;
}

}  // namespace

const CommandSpec& ImportCommand() {
  static const CommandSpec spec{
      "import", {}, "Create an image from a root filesystem tarball", "FILE|- REF",
      "Makes a one-layer image from a tarball of a root filesystem (plain, gzip or zstd; - reads standard\n"
      "input), names it REF in the store and prints its image ID, like `docker import`. The layer is\n"
      "written gzip-compressed (OCI media types); its entries are checked (nothing may point outside the\n"
      "root) and re-written in a canonical tar form. --change edits the config with Dockerfile\n"
      "instructions: CMD and ENTRYPOINT take the JSON form [\"a\",\"b\"] or the shell form (wrapped in\n"
      "/bin/sh -c), ENV and LABEL take KEY=VALUE pairs, EXPOSE ports (80, 53/udp), VOLUME paths; USER,\n"
      "WORKDIR and STOPSIGNAL a value. The creation time is now, or SOURCE_DATE_EPOCH when set.",
      "  hoist import rootfs.tar myimage:1\n"
      "  tar -C rootfs -c . | hoist import - localhost:5000/tools/base:1 --change 'CMD [\"/bin/sh\"]'\n"
      "  hoist import --platform linux/arm64 -m 'from debootstrap' rootfs.tar.gz base:arm64\n"
      "  hoist import -c 'ENV PATH=/usr/bin:/bin' -c 'WORKDIR /work' -c 'EXPOSE 8080' rootfs.tar app:1",
      AddImportOptions, RunImport};
  return spec;
}

}  // namespace hoist::tools
