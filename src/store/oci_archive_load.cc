#include "store/oci_archive_load.h"

#include "core/compression.h"
#include "core/manifest.h"
#include "store/docker_archive_reader.h"

namespace hoist::store {

namespace {

// An unnamed image is kept in index.json without a name (docker's dangling image), once.
Status AddUnnamed(OciLayout& store, const Descriptor& root) {
  return store.UpdateIndex([&](std::vector<Descriptor>& manifests) -> Status {
    for (const auto& d : manifests) {
      if (d.digest == root.digest) return Ok();
    }
    Descriptor entry;
    entry.media_type = root.media_type;
    entry.digest = root.digest;
    entry.size = root.size;
    manifests.push_back(std::move(entry));
    return Ok();
  });
}

}  // namespace

Result<LoadResult> LoadArchive(OciLayout& store, Reader& in, const LoadOptions& options) {
  HOIST_TRY_ASSIGN(auto lease, store.BeginWrite());
  DecompressOptions dopt;
  dopt.max_output = options.max_expanded_size;
  auto plain = DecompressAuto(in, dopt);
  auto entries = ArchiveEntries::Read(*plain, store.paths().TempDir(), options.read);
  if (!entries.ok()) return std::move(entries).error().WithContext("reading the archive");

  LoadResult result;
  Result<ArchivePlan> plan = ParseError("archive has neither manifest.json (docker-archive) nor index.json (oci-archive)");
  if ((*entries)->Metadata("manifest.json") != nullptr) {
    result.format = ArchiveFormat::kDockerArchive;
    plan = ReadDockerArchive(**entries);
  } else if ((*entries)->Metadata("index.json") != nullptr) {
    result.format = ArchiveFormat::kOciArchive;
    plan = ReadOciArchive(**entries);
  }
  if (!plan.ok()) return std::move(plan).error();

  // Everything checked: from here on the store changes. Blobs first, names last.
  for (const ArchiveFile* f : plan->blobs) HOIST_TRY((*entries)->Adopt(*f, store.paths()));
  for (const std::string& raw : plan->made_manifests) {
    auto any = ParseAnyManifest(raw);
    if (!any.ok()) return std::move(any).error();
    HOIST_TRY(store.PutBytes(raw, MediaTypeOf(*any)));
  }
  for (const ArchiveImage& image : plan->images) {
    for (const Reference& name : image.names) HOIST_TRY(store.SetName(name, image.root));
    if (image.names.empty()) HOIST_TRY(AddUnnamed(store, image.root));
  }
  result.images = std::move(plan->images);
  return result;
}

}  // namespace hoist::store
