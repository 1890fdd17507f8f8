#pragma once
// A layer made from a tar file or a directory for `hoist append`: a TAR (plain, gzip or zstd) is
// re-written entry by entry with its paths checked, as `hoist import` does; a DIR is archived as
// `build` and `commit` archive a layer (sorted by path, mtimes clamped to SOURCE_DATE_EPOCH when
// set), so the same input gives the same digest. The result is compressed into a spool file.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/compression.h"
#include "core/digest.h"
#include "core/error.h"
#include "core/io.h"
#include "core/temp_owner.h"

namespace hoist::edit {

struct LayerOptions {
  Compression compression = Compression::kGzip;
  std::optional<int> level;            // the compressor's default when unset
  std::optional<int64_t> timestamp;    // a DIR's mtimes clamped to it
};

struct NewLayer {
  std::string path;      // the compressed layer in the spool
  Compression compression = Compression::kGzip;
  Digest digest = Digest::Of("");   // of the compressed bytes
  int64_t size = 0;
  Digest diff_id = Digest::Of("");  // of the uncompressed tar
};

// A spool directory (owner-locked in a shared temp area) removed with everything in it when done.
class Spool {
 public:
  static Result<Spool> Create(const std::string& parent);
  Spool(Spool&&) = default;
  Spool& operator=(Spool&&) = default;
  ~Spool();
  const std::string& path() const { return dir_.path(); }

 private:
  explicit Spool(TempOwner dir) : dir_(std::move(dir)) {}
  TempOwner dir_;
};

// Runs `produce` to write an uncompressed layer tar and compresses it into file `path`, with
// the digests of both sides.
Result<NewLayer> WriteLayer(const std::string& path, const LayerOptions& options,
                            const std::function<Status(Writer& tar)>& produce);

// The layer media type for a manifest of `manifest_media_type`'s family; a Docker schema 2
// manifest cannot name a zstd layer (kUnsupported, saying how to convert).
Result<std::string> LayerMediaType(const std::string& manifest_media_type, Compression c);

// `input` is a directory or a tar file; the layer is written into `spool` as file `name`.
Result<NewLayer> MakeLayer(const std::string& input, const std::string& spool, const std::string& name,
                           const LayerOptions& options);

}  // namespace hoist::edit
