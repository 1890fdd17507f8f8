#pragma once
// Uncompressed layers (a docker-archive's, or an image `hoist load`ed from one) are gzip-compressed
// on their way to a registry, as docker push and skopeo do: registries and their clients expect
// compressed layers. Each such layer is read once (verified), compressed with ISA-L into a spool
// file, and the manifests naming it are rewritten (new digests; the config's diff_ids, already the
// uncompressed digests, stay). Signatures of the old digests no longer apply and stay behind.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/compression.h"
#include "core/temp_owner.h"
#include "transfer/copy_plan.h"
#include "transfer/image_source.h"
#include "transfer/progress.h"

namespace hoist::transfer {

// --compress FORMAT, --compression-level N, --force-compression (skopeo's --dest-compress-format):
// uncompressed layers get FORMAT; with force, layers compressed otherwise are recompressed too.
struct LayerCompressionChoice {
  std::optional<Compression> target;  // unset: gzip for destinations that want compressed layers
  std::optional<int> level;           // unset: ISA-L's fast gzip, zstd's default
  bool force = false;
};

struct LayerCompressionOptions {
  LayerCompressionChoice choice;
  std::string spool_dir;  // compressed layers wait here (removed when done)
  int jobs = 2;           // layers compressed at once
  ProgressReporter* progress = nullptr;
};

// The compressed layers and a source that serves them (and everything else from the original).
class CompressedLayers {
 public:
  // `spool_dir`: the hoist-layers.XXXXXX directory, owner-locked (prune reclaims it if we die).
  CompressedLayers(ImageSource& original, TempOwner spool_dir);
  ~CompressedLayers();
  CompressedLayers(const CompressedLayers&) = delete;
  CompressedLayers& operator=(const CompressedLayers&) = delete;

  ImageSource& source() { return *source_; }
  void Add(const Digest& compressed, std::string path) { files_[compressed] = std::move(path); }
  const std::map<Digest, std::string>& files() const { return files_; }

 private:
  std::map<Digest, std::string> files_;  // compressed digest → spool file
  TempOwner spool_dir_;
  std::unique_ptr<ImageSource> source_;
};

// Compresses the plan's uncompressed layers (and, with choice.force, recompresses the others into
// choice.target) and rewrites `plan` to name the new blobs. nullptr when no layer changes. A zstd
// layer in a Docker schema 2 manifest is refused (kUnsupported).
Result<std::unique_ptr<CompressedLayers>> CompressLayers(ImageSource& source, CopyPlan& plan,
                                                          const LayerCompressionOptions& options);

}  // namespace hoist::transfer
