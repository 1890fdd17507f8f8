// `hoist load`: a docker-archive or oci-archive tar (plain, gzip or zstd) into the store.

#include <sys/statvfs.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "store/oci_archive_load.h"
#include "store/oci_layout.h"
#include "tools/command.h"

namespace hoist::tools {

namespace {

void AddLoadOptions(cxxopts::Options& o) {
  o.add_options()("i,input", "Read the archive from FILE instead of standard input", cxxopts::value<std::string>(),
                  "FILE")
      ("q,quiet", "Print nothing on success")
      ("max-expanded-size",
       "Refuse a compressed archive that expands past SIZE (bytes, or with K/M/G/T; default: the free space "
       "of the store's filesystem)",
       cxxopts::value<std::string>(), "SIZE");
}

Result<uint64_t> ParseSize(const std::string& text) {
  uint64_t value = 0, unit = 1;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (value > (UINT64_MAX - 9) / 10) return UsageError("--max-expanded-size: " + text + " is too large");
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  std::string suffix = text.substr(i);
  if (suffix == "K" || suffix == "KiB") unit = 1ull << 10;
  else if (suffix == "M" || suffix == "MiB") unit = 1ull << 20;
  else if (suffix == "G" || suffix == "GiB") unit = 1ull << 30;
  else if (suffix == "T" || suffix == "TiB") unit = 1ull << 40;
  else if (!suffix.empty()) return UsageError("--max-expanded-size needs a size such as 500M, got \"" + text + "\"");
  if (i == 0) return UsageError("--max-expanded-size needs a size such as 500M, got \"" + text + "\"");
  if (value > UINT64_MAX / unit) return UsageError("--max-expanded-size: " + text + " is too large");
  return value * unit;
}

// A decompression bomb can expand to no more than the disk could hold anyway.
uint64_t FreeSpace(const std::string& dir) {
  struct statvfs st;
  if (::statvfs(dir.c_str(), &st) != 0) return UINT64_MAX;
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

Result<int> RunLoad(CommandContext& ctx) {
  if (!ctx.positional.empty()) return UsageError("load takes no arguments: use -i FILE or standard input");
  std::string input = ctx.args.count("input") ? ctx.args["input"].as<std::string>() : "-";
  std::unique_ptr<Reader> in;
  if (input == "-") {
    if (::isatty(STDIN_FILENO)) {
      return UsageError("refusing to read an archive from a terminal: use -i FILE or redirect standard input");
    }
    in = std::make_unique<FdReader>(STDIN_FILENO, false);
  } else {
    HOIST_TRY_ASSIGN(in, FdReader::Open(input));
  }
  HOIST_TRY_ASSIGN(auto s, store::OciLayout::Open(store::DefaultStorePath(ctx.global.store),
                                                  store::OciLayout::OpenMode::kCreate));
  store::LoadOptions options;
  if (ctx.args.count("max-expanded-size")) {
    HOIST_TRY_ASSIGN(options.max_expanded_size, ParseSize(ctx.args["max-expanded-size"].as<std::string>()));
  } else {
    options.max_expanded_size = FreeSpace(s.root());
  }
  auto loaded = store::LoadArchive(s, *in, options);
  if (!loaded.ok()) {
    std::string what = "load ";
    what += input == "-" ? std::string("from standard input") : input;
    return std::move(loaded).error().WithContext(what);
  }
  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& image : loaded->images) {
      nlohmann::json names = nlohmann::json::array();
      for (const auto& n : image.names) names.push_back(n.str());
      out.push_back({{"Names", names},
                     {"Digest", image.root.digest.str()},
                     {"MediaType", image.root.media_type},
                     {"Id", image.image_id ? image.image_id->str() : image.root.digest.str()}});
    }
    std::cout << DumpJson(out, 2) << "\n";
  } else if (!ctx.args.count("quiet")) {
    for (const auto& image : loaded->images) {
      for (const auto& n : image.names) std::cout << "Loaded image: " << n.Familiar() << "\n";
      if (image.names.empty()) {
        std::cout << "Loaded image ID: " << (image.image_id ? *image.image_id : image.root.digest).str() << "\n";
      }
    }
  }
  return kExitOk;
}

}  // namespace

const CommandSpec& LoadCommand() {
  static const CommandSpec spec{
      "load", {}, "Load images from a tar archive (docker save format or oci-archive) into the store", "",
      "Reads an archive made by `docker save`, `podman save`, `skopeo copy … docker-archive:` or\n"
      "`oci-archive:`, or `hoist save`, plain or gzip- or zstd-compressed, from standard input unless -i\n"
      "is given, and prints `Loaded image: NAME` for each name (`Loaded image ID: sha256:…` for an image\n"
      "without one), as docker does.\n"
      "\n"
      "The archive is read in one pass (a pipe works): its files are spooled into the store's .hoist/tmp,\n"
      "then every digest and size is verified (layers against the config's diff_ids, blobs against their\n"
      "names and descriptors), every manifest and config is checked, and only then do the blobs enter the\n"
      "store and the names get set. An archive that fails any check leaves the store unchanged. A docker\n"
      "archive's layers are stored as they are (uncompressed); its manifest is the one the archive's\n"
      "index.json carries (Docker 25+, hoist) or else one made for it (Docker schema 2, uncompressed\n"
      "layer types), the same bytes for the same image every time.",
      "  hoist load -i app.tar\n"
      "  docker save alpine:3.19 | hoist load\n"
      "  gunzip -c images.tar.gz | hoist load     # or just: hoist load -i images.tar.gz\n"
      "  hoist load --format json -i app-oci.tar",
      AddLoadOptions, RunLoad};
  return spec;
}

}  // namespace hoist::tools
