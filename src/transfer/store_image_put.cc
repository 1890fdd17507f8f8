#include "transfer/store_image_put.h"

#include <vector>

#include "core/compression.h"
#include "core/image_config.h"
#include "core/media_types.h"
#include "transfer/read_ahead.h"

namespace hoist::transfer {

namespace {

// A layer as the destination wants it: docker archives get it decompressed, as its diff_id.
Status PutLayer(const store::OciLayout& layout, ImageDestination& dest, const Descriptor& layer,
                const Digest& diff_id) {
  auto c = LayerCompressionOf(layer.media_type);
  if (!dest.WantsUncompressedLayers() || !c || *c == Compression::kNone) return PutStoreBlob(layout, dest, layer);
  Descriptor plain;
  plain.media_type = kOciLayerTar;
  plain.digest = diff_id;
  plain.size = -1;
  HOIST_TRY_ASSIGN(auto reuse, dest.TryReuseBlob(plain));
  if (reuse != Reuse::kNo) return Ok();
  HOIST_TRY_ASSIGN(auto r, layout.OpenBlob(layer.digest));
  auto decompressed = Decompress(*r, *c);
  auto ahead = ReadAhead(*decompressed);  // inflate on one core while the destination hashes and writes
  auto st = dest.PutBlob(*ahead, plain);
  if (!st.ok()) return std::move(st).error().WithContext("layer " + layer.digest.str());
  return Ok();
}

}  // namespace

Status PutStoreBlob(const store::OciLayout& layout, ImageDestination& dest, const Descriptor& blob) {
  HOIST_TRY_ASSIGN(auto reuse, dest.TryReuseBlob(blob));
  if (reuse != Reuse::kNo) return Ok();
  HOIST_TRY_ASSIGN(auto r, layout.OpenBlob(blob.digest));
  return dest.PutBlob(*r, blob);
}

Status PutStoreImageBlobs(const store::OciLayout& layout, ImageDestination& dest, const Manifest& m) {
  HOIST_TRY(PutStoreBlob(layout, dest, m.config()));
  std::vector<Digest> diff_ids;
  if (dest.WantsUncompressedLayers()) {
    HOIST_TRY_ASSIGN(std::string raw, layout.ReadBlob(m.config().digest, kMaxConfigSize));
    HOIST_TRY_ASSIGN(ImageConfig config, ImageConfig::Parse(std::move(raw)));
    HOIST_TRY(config.CheckLayers(m.layers().size()));
    diff_ids = config.diff_ids();
  }
  for (size_t i = 0; i < m.layers().size(); ++i) {
    HOIST_TRY(PutLayer(layout, dest, m.layers()[i], diff_ids.empty() ? m.layers()[i].digest : diff_ids[i]));
  }
  return Ok();
}

}  // namespace hoist::transfer
