#pragma once
// What the edit commands (mutate, append, flatten, rebase) share: SRC and -t DST, the registry
// flags, running an edit over the source and moving its result with the copy engine (so only new
// bytes travel: layers at the destination are reused, in the same registry mounted), and the report.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "edit/edited_image.h"
#include "edit/new_layer.h"
#include "tools/command.h"
#include "transfer/endpoints.h"
#include "transfer/layer_compression.h"
#include "transfer/location.h"

namespace hoist::tools {

// -t/--tag DST and the registry flags.
void AddEditOptions(cxxopts::Options& options);

// --compress, --compression-level and --force-compression for the layers an edit makes (append, flatten).
void AddLayerCompressionOptions(cxxopts::Options& options);
extern const char* const kLayerCompressionHelp;

// What append and flatten read alike before anything is opened: the new layers' compression (with
// SOURCE_DATE_EPOCH as the timestamp of archived directories), what the copy recompresses
// (--force-compression: the image's other layers into the same format; otherwise nothing), the time
// of the new history entries (SOURCE_DATE_EPOCH, else now), --platform, and a spool for the layers.
struct NewLayerFlags {
  edit::LayerOptions layer;
  transfer::LayerCompressionChoice recompress;
  std::string created;
  std::vector<Platform> platforms;
  std::optional<edit::Spool> spool;
};
Result<NewLayerFlags> ReadNewLayerFlags(const CommandContext& ctx);

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
// `compression`: how the copy (re)compresses layers (ReadCompressionChoice; append and flatten:
// NewLayerFlags::recompress).
Result<int> RunEdit(CommandContext& ctx, const std::string& verb, const EditFunction& edit,
                    bool registry_needed = false, const transfer::LayerCompressionChoice& compression = {});

using SourceOpener = std::function<Result<std::unique_ptr<transfer::ImageSource>>(const transfer::Endpoints&)>;
// RunEdit's work with the source opened by `open` (index create: several images as one source);
// `src_location` names where layers may be mounted from and what the DST's tag defaults to.
Result<int> RunEditAt(CommandContext& ctx, const std::string& verb, const transfer::Location& src_location,
                      const transfer::Location& dst, const SourceOpener& open, const EditFunction& edit,
                      bool registry_needed, const transfer::LayerCompressionChoice& compression = {});

}  // namespace hoist::tools
