#pragma once
// What copy, pull and push share: their flags (--all, --platform, --all-tags, --jobs,
// --no-signatures, content trust and the registry flags), running the transfer engine, and the report.

#include <cxxopts.hpp>

#include "tools/command.h"
#include "tools/content_trust.h"
#include "transfer/layer_compression.h"
#include "transfer/location.h"
#include "transfer/progress.h"

namespace hoist::tools {

void AddTransferOptions(cxxopts::Options& options);

// --compress gzip|zstd|none, --compression-level N, --force-compression (copy, push, pull, mutate).
void AddCompressionOptions(cxxopts::Options& options);
Result<transfer::LayerCompressionChoice> ReadCompressionChoice(const CommandContext& ctx);
extern const char* const kCompressionHelp;

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
