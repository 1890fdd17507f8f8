#pragma once
// The one copy pipeline every moving command uses (copy, pull, push, save, load, mirror):
// plan → blobs (reuse / mount / stream, verified) → manifests (children first) → attached
// signatures and referrers → Commit. Manifest bytes are copied exactly, so digests survive.

#include <optional>
#include <string>
#include <vector>

#include "core/descriptor.h"
#include "core/manifest_convert.h"
#include "transfer/copy_plan.h"
#include "transfer/image_destination.h"
#include "transfer/image_source.h"
#include "transfer/layer_compression.h"
#include "transfer/progress.h"

namespace hoist::transfer {

struct CopyOptions {
  // The destination name for the image ("" → by digest only).
  std::string tag;
  // More names for the image (skopeo's --additional-tag; docker-archive destinations): each a full
  // reference or a tag, put as the image's manifest again.
  std::vector<std::string> additional_tags;
  PlatformSelection platforms;
  // --format oci|v2s2: manifests converted to these media types on the way (plan_conversion.h).
  std::optional<ManifestFormat> format;
  int jobs = 8;
  bool signatures = true;  // cosign tags and referrers travel with the image
  ProgressReporter* progress = nullptr;
  // --compress/--compression-level/--force-compression: layers (re)compressed on the way.
  LayerCompressionChoice compression;
  // Where layers compressed on the way (layer_compression.h) wait; "" → the system temp dir.
  std::string spool_dir;
};

struct CopyReport {
  std::string source;
  std::string destination;
  Descriptor image;  // what the destination name points at
  int manifests = 0;
  int copied = 0;    // blobs streamed
  int reused = 0;    // already at the destination
  int mounted = 0;   // mounted from another repository of the same registry
  uint64_t bytes = 0;  // blob bytes moved
  double seconds = 0;
  std::vector<std::string> notes;

  // Sums another report into this one (--all-tags).
  void Add(const CopyReport& o);
};

Result<CopyReport> Copy(ImageSource& source, ImageDestination& destination, const CopyOptions& options);

}  // namespace hoist::transfer
