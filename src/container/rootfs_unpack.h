#pragma once
// Applying image layers to a directory, in order, the way a container runtime builds a root
// filesystem: gzip, zstd or plain tar layers; whiteouts (".wh.NAME") and opaque directories
// (".wh..wh..opq") per the OCI image spec; hardlinks, symlinks, devices (as root), modes,
// ownership, xattrs and mtimes.
//
// Safe by construction: every entry's parent is resolved inside the root (container/root_dir.h), the
// entry itself is never followed, ".." and absolute names are refused, and nothing from the image
// is ever executed.

#include <cstdint>

#include "container/root_dir.h"
#include "core/compression.h"
#include "core/digest.h"
#include "core/error.h"
#include "core/io.h"

namespace hoist::container {

struct UnpackOptions {
  enum class Owners {
    kAuto,      // preserve uid/gid when running as root, else leave files owned by us
    kPreserve,  // chown every entry (fails without the privilege)
    kIgnore,
  };
  Owners owners = Owners::kAuto;
  DecompressOptions decompress;
};

struct LayerStats {
  Digest diff_id = Digest::Of("");  // sha256 of the uncompressed tar
  uint64_t entries = 0;
  uint64_t whiteouts = 0;
  uint64_t skipped_devices = 0;  // device nodes need root; skipped otherwise
  uint64_t skipped_xattrs = 0;   // xattrs the filesystem or our privileges refused
};

// Applies one layer (compression detected from its magic) on top of what `root` holds.
Result<LayerStats> ApplyLayer(const RootDir& root, Reader& layer, const UnpackOptions& options = {});

}  // namespace hoist::container
