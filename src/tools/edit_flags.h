#pragma once
// What the edit commands (mutate, append, flatten, rebase) share: SRC and -t DST, the registry
// flags, running an edit over the source and moving its result with the copy engine (so only new
// bytes travel: layers at the destination are reused, in the same registry mounted), and the report.

#include <functional>

#include <cxxopts.hpp>

#include "edit/edited_image.h"
#include "edit/new_layer.h"
#include "tools/command.h"
#include "transfer/endpoints.h"
#include "transfer/location.h"

namespace hoist::tools {

// -t/--tag DST and the registry flags.
void AddEditOptions(cxxopts::Options& options);

// --compress gzip|zstd|none and --compression-level N for the layers an edit makes (append, flatten).
void AddLayerCompressionOptions(cxxopts::Options& options);
extern const char* const kLayerCompressionHelp;
// Their values, with SOURCE_DATE_EPOCH as the timestamp of archived directories.
Result<edit::LayerOptions> ReadLayerCompression(const CommandContext& ctx);

// Help lines every edit command shows.
extern const char* const kEditHelp;

// Works out the edit from the source (nothing is written before it succeeds).
using EditFunction = std::function<Result<edit::EditedImage>(transfer::ImageSource& source,
                                                             const transfer::Endpoints& endpoints)>;

// SRC (positional[0]) and DST (-t, else SRC): opens the source, runs `edit`, copies the edited image
// to DST (--format oci|v2s2 converting on the way) and prints its digest (or, with --format json,
// {"digest", "media_type", "destination", "copied", "reused", "mounted", "bytes"}).
// `registry_needed`: the edit itself reads from a registry (rebase's bases) even if SRC and DST are
// elsewhere.
// `recompress`: the command has AddCompressionOptions' flags (mutate), applied to the copy.
Result<int> RunEdit(CommandContext& ctx, const std::string& verb, const EditFunction& edit,
                    bool registry_needed = false, bool recompress = false);

using SourceOpener = std::function<Result<std::unique_ptr<transfer::ImageSource>>(const transfer::Endpoints&)>;
// RunEdit's work with the source opened by `open` (index create: several images as one source);
// `src_location` names where layers may be mounted from and what the DST's tag defaults to.
Result<int> RunEditAt(CommandContext& ctx, const std::string& verb, const transfer::Location& src_location,
                      const transfer::Location& dst, const SourceOpener& open, const EditFunction& edit,
                      bool registry_needed, bool recompress = false);

}  // namespace hoist::tools
