#include "transfer/uncompressed_layers.h"

#include "core/compression.h"
#include "core/image_config.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "transfer/cancel.h"
#include "transfer/read_ahead.h"
#include "transfer/verifying_reader.h"

namespace hoist::transfer {

namespace {

class Putter {
 public:
  Putter(ImageSource& source, ImageDestination& destination, ProgressReporter* progress)
      : source_(source), destination_(destination), progress_(progress) {}

  // `as`: how the destination stores it (the diff_id for a compressed layer, else `blob` itself).
  Status Put(const Descriptor& blob, const Descriptor& as, std::optional<Compression> compression) {
    if (CancelRequested()) return CancelledError();
    HOIST_TRY_ASSIGN(Reuse reuse, destination_.TryReuseBlob(as));
    if (reuse != Reuse::kNo) {
      ++counts_.reused;
      if (progress_) progress_->BlobDone(blob, BlobOutcome::kPresent);
      return Ok();
    }
    if (progress_) progress_->BlobStarted(blob, 0);
    HOIST_TRY_ASSIGN(std::unique_ptr<Reader> raw, source_.GetBlob(blob, 0));
    VerifyingReader verified(*raw, blob, 0, [&](uint64_t n) {
      counts_.bytes += n;
      if (progress_) progress_->BlobBytes(blob.digest, n);
    });
    if (compression && *compression != Compression::kNone) {
      auto plain = Decompress(verified, *compression);
      auto ahead = ReadAhead(*plain);  // inflate on one core while the destination hashes and writes
      HOIST_TRY(destination_.PutBlob(*ahead, as));
    } else {
      HOIST_TRY(destination_.PutBlob(verified, as));
    }
    ++counts_.copied;
    if (progress_) progress_->BlobDone(blob, BlobOutcome::kCopied);
    return Ok();
  }

  Status PutImage(const Manifest& m) {
    const Descriptor& config = m.config();
    HOIST_TRY(Put(config, config, std::nullopt));
    HOIST_TRY_ASSIGN(std::unique_ptr<Reader> r, source_.GetBlob(config, 0));
    VerifyingReader verified(*r, config);
    HOIST_TRY_ASSIGN(std::string raw, ReadAll(verified, kMaxConfigSize));
    HOIST_TRY_ASSIGN(ImageConfig parsed, ImageConfig::Parse(std::move(raw)));
    HOIST_TRY(parsed.CheckLayers(m.layers().size()));
    for (size_t i = 0; i < m.layers().size(); ++i) {
      const Descriptor& layer = m.layers()[i];
      auto c = LayerCompressionOf(layer.media_type);
      if (!c || *c == Compression::kNone) {
        HOIST_TRY(Put(layer, layer, std::nullopt));
        continue;
      }
      Descriptor plain;
      plain.media_type = std::string(kOciLayerTar);
      plain.digest = parsed.diff_ids()[i];
      plain.size = -1;
      auto st = Put(layer, plain, c);
      if (!st.ok()) return std::move(st).error().WithContext("layer " + layer.digest.str());
    }
    return Ok();
  }

  BlobCounts counts() const { return counts_; }

 private:
  ImageSource& source_;
  ImageDestination& destination_;
  ProgressReporter* progress_;
  BlobCounts counts_;
};

}  // namespace

Result<BlobCounts> PutUncompressedImages(ImageSource& source, ImageDestination& destination, const CopyPlan& plan,
                                         ProgressReporter* progress) {
  Putter putter(source, destination, progress);
  for (const auto& pm : plan.manifests) {
    HOIST_TRY_ASSIGN(AnyManifest any, ParseAnyManifest(pm.bytes.bytes, pm.bytes.media_type));
    const auto* m = std::get_if<Manifest>(&any);
    if (!m) continue;  // an index: the destination says what it thinks of it at PutManifest
    auto st = putter.PutImage(*m);
    if (!st.ok()) return std::move(st).error().WithContext("image " + pm.descriptor.digest.str());
  }
  return putter.counts();
}

}  // namespace hoist::transfer
