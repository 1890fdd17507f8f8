#pragma once
// The root filesystem an image's layers make, as one tar (`hoist export`): layers applied bottom
// to top with their whiteouts (".wh.NAME" deletes NAME below; ".wh..wh..opq" hides everything a
// lower layer put in that directory). Streamed top layer first: an entry is written unless a
// higher layer already wrote that path, deleted it or one of its directories, or replaced a
// directory above it with a non-directory. Hardlinks wait until their target has been written.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/io.h"
#include "store/oci_layout.h"

namespace hoist::store {

// Opens layer `i` (0 = bottom) as an uncompressed tar stream.
using LayerTarOpener = std::function<Result<std::unique_ptr<Reader>>(size_t i)>;

Status FlattenLayers(size_t layer_count, const LayerTarOpener& open, Writer& out);

// A store layer blob as an uncompressed tar stream (gzip and zstd decoded). Read to its end, it
// fails with kDigestMismatch unless the blob matches its digest and size and the uncompressed
// bytes match `diff_id` (the config's rootfs.diff_ids entry) when given. FlattenLayers reads every
// layer to its end, and reports a corrupt layer's tar or gzip error as its digest mismatch.
Result<std::unique_ptr<Reader>> OpenLayerTar(const OciLayout& layout, const Descriptor& layer,
                                             std::optional<Digest> diff_id = std::nullopt);

// The same over a blob stream from anywhere (`hoist flatten` reads an ImageSource's).
Result<std::unique_ptr<Reader>> LayerTarFrom(std::unique_ptr<Reader> raw, const Descriptor& layer,
                                             std::optional<Digest> diff_id = std::nullopt);

}  // namespace hoist::store
