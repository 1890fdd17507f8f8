#pragma once
// What copy, pull and push share: their flags (--all, --platform, --all-tags, --jobs,
// --no-signatures, content trust and the registry flags), running the transfer engine, and the report.

#include <cxxopts.hpp>

#include "tools/command.h"
#include "tools/content_trust.h"
#include "transfer/blob_info_cache.h"
#include "transfer/endpoints.h"
#include "transfer/layer_compression.h"
#include "transfer/location.h"
#include "transfer/resume_state.h"
#include "transfer/progress.h"

namespace hoist::tools {

void AddTransferOptions(cxxopts::Options& options);

// --compress gzip|zstd|none, --compression-level N, --force-compression (copy, push, pull, mutate,
// save, build, append, flatten). `compress_help`: --compress's line in --help.
void AddCompressionOptions(cxxopts::Options& options,
                           const char* compress_help = "Compress layers on the way: gzip, zstd or none");
// `implied`: the format --compression-level and --force-compression apply to when --compress is not
// given (append and flatten make gzip layers unless told otherwise); unset: they need --compress.
Result<transfer::LayerCompressionChoice> ReadCompressionChoice(const CommandContext& ctx,
                                                               std::optional<Compression> implied = std::nullopt);
extern const char* const kCompressionHelp;

// What a move works with: the registry client (made when `need_registry`), the store's blob-location
// cache (loaded) and resume state, and `ep` pointing at them.
struct EndpointSet {
  std::unique_ptr<registry::RegistryClient> client;
  std::unique_ptr<transfer::BlobInfoCache> cache;
  std::unique_ptr<transfer::ResumeState> resume;
  transfer::Endpoints ep;
  std::string temp_dir;  // the store's temp area (layers compressed on the way wait there)
  // The cache is a hint for later mounts: failing to save it costs nothing but uploads.
  void SaveCache() const { (void)cache->Save(); }
};
Result<EndpointSet> MakeEndpoints(const CommandContext& ctx, bool need_registry);

// --progress as the transfer engine's mode.
transfer::ProgressMode ProgressModeOf(Progress progress);

// Which images of a multi-platform index a command copies when neither --all nor --platform is given.
enum class PlatformDefault { kAll, kHost };

// Copies `source` to `destination` (every tag with --all-tags), drawing progress on stderr and
// printing the report (text or --format json) on stdout.
Result<int> RunTransfer(CommandContext& ctx, const transfer::Location& source,
                        const transfer::Location& destination, PlatformDefault platform_default, TrustRole role);

// Help text shared by the three commands.
extern const char* const kTransferHelp;

}  // namespace hoist::tools
