#pragma once
// Every on-disk name inside an OCI image layout (and hoist's private area in it) is built here, and
// only here. A digest is a validated Digest before it ever becomes a path.
//
//   <root>/oci-layout                 {"imageLayoutVersion":"1.0.0"}
//   <root>/index.json                 the named images (org.opencontainers.image.ref.name)
//   <root>/blobs/<alg>/<hex>          content, written once, verified before it appears
//   <root>/.hoist/lock                exclusive while index.json is rewritten
//   <root>/.hoist/gc.lock             shared by writers, exclusive for prune/fsck --repair
//   <root>/.hoist/tmp/                temp files before their rename into blobs/
//   <root>/.hoist/partial/<alg>-<hex> partial downloads kept for resume
//   <root>/.hoist/resume/             resume state of interrupted transfers
//   <root>/.hoist/uploads/<id>        `hoist serve` upload sessions: the bytes received so far
//   <root>/.hoist/containers/<id>/    working containers (hoist run): rootfs/ and container.json
//   <root>/.hoist/volumes/<name>/     named volumes (hoist volume, run -v NAME:/p): _data/, volume.json
//   <root>/.hoist/build-cache/<hex>.json  `hoist build` step results (layer, diff_id) by cache key
// Other tools (skopeo, umoci) ignore the hidden .hoist directory.

#include <string>

#include "core/digest.h"

namespace hoist::store {

class LayoutPaths {
 public:
  explicit LayoutPaths(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string OciLayoutFile() const { return root_ + "/oci-layout"; }
  std::string IndexFile() const { return root_ + "/index.json"; }
  std::string BlobsDir() const { return root_ + "/blobs"; }
  std::string BlobDir(DigestAlgorithm alg) const;
  std::string Blob(const Digest& d) const;
  std::string PrivateDir() const { return root_ + "/.hoist"; }
  std::string IndexLock() const { return PrivateDir() + "/lock"; }
  std::string GcLock() const { return PrivateDir() + "/gc.lock"; }
  std::string TempDir() const { return PrivateDir() + "/tmp"; }
  std::string PartialDir() const { return PrivateDir() + "/partial"; }
  std::string Partial(const Digest& d) const;
  std::string ResumeDir() const { return PrivateDir() + "/resume"; }
  // `id` must already be validated (32 lowercase hex, serve/uploads.h).
  std::string UploadsDir() const { return PrivateDir() + "/uploads"; }
  std::string Upload(const std::string& id) const { return UploadsDir() + "/" + id; }
  // `id` must already be validated (64 lowercase hex, container/containers.h).
  std::string ContainersDir() const { return PrivateDir() + "/containers"; }
  std::string Container(const std::string& id) const { return ContainersDir() + "/" + id; }
  // `name` must already be validated (container/volumes.h).
  std::string VolumesDir() const { return PrivateDir() + "/volumes"; }
  std::string Volume(const std::string& name) const { return VolumesDir() + "/" + name; }
  std::string BuildCacheDir() const { return PrivateDir() + "/build-cache"; }
  std::string CacheMountsDir() const { return PrivateDir() + "/cache-mounts"; }  // RUN --mount=type=cache
  std::string LayerSizesFile() const { return PrivateDir() + "/layer-sizes.json"; }

 private:
  std::string root_;
};

}  // namespace hoist::store
