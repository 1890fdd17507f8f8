#include "builder/docker_archive_output.h"

#include "core/manifest.h"
#include "core/media_types.h"
#include "transfer/docker_archive_destination.h"
#include "transfer/store_image_put.h"

namespace hoist::builder {

Status WriteDockerArchive(const store::OciLayout& layout, const Descriptor& manifest,
                          const std::optional<Reference>& name, const std::string& path) {
  HOIST_TRY_ASSIGN(std::string raw, layout.ReadBlob(manifest.digest, kMaxManifestSize));
  HOIST_TRY_ASSIGN(Manifest m, Manifest::Parse(raw, manifest.media_type));

  HOIST_TRY_ASSIGN(auto dest, transfer::DockerArchiveDestination::Open(path, name, layout.paths().TempDir()));
  HOIST_TRY(transfer::PutStoreImageBlobs(layout, *dest, m));
  HOIST_TRY(dest->PutManifest({raw, m.media_type()}, ""));  // named by the destination's `name`
  auto committed = dest->Commit();
  if (!committed.ok()) return std::move(committed).error().WithContext("writing docker-archive:" + path);
  return Ok();
}

}  // namespace hoist::builder
