#include <openssl/opensslv.h>
#include <zlib.h>
#include <zstd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "core/version.h"
#include "tools/command.h"

namespace hoist::tools {

namespace {

Result<int> RunVersion(CommandContext& ctx) {
  if (!ctx.positional.empty()) return UsageError("version takes no arguments");
  nlohmann::json info = {
      {"version", kVersion},
      {"compiler", __VERSION__},
      {"openssl", OPENSSL_VERSION_TEXT},
      {"zlib", ZLIB_VERSION},
      {"zstd", ZSTD_versionString()},
  };
  if (ctx.global.format == OutputFormat::kJson) {
    std::cout << DumpJson(info, 2) << "\n";
  } else {
    std::cout << "hoist version " << kVersion << "\n";
    if (ctx.global.verbosity > 0) {
      for (const auto& [k, v] : info.items()) {
        if (k != "version") std::cout << "  " << k << ": " << v.get<std::string>() << "\n";
      }
    }
  }
  return kExitOk;
}

}  // namespace

const CommandSpec& VersionCommand() {
  static const CommandSpec spec{
      "version", {}, "Show hoist's version", "",
      "Prints the version. With -v also the compiler and library versions; with --format json all of it.",
      "  hoist version\n  hoist version --format json", nullptr, RunVersion};
  return spec;
}

}  // namespace hoist::tools
