#include "store/oci_archive_load.h"

#include "core/compression.h"
#include "core/manifest.h"
#include "store/docker_archive_reader.h"
#include "store/index_names.h"

namespace hoist::store {

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
  // Every name of the archive in one index.json update: a rewrite per name made a load of N
  // RepoTags quadratic (N rewrites of an index growing to N entries).
  std::vector<std::pair<Reference, Descriptor>> names;
  std::vector<Descriptor> unnamed;
  for (const ArchiveImage& image : plan->images) {
    for (const Reference& name : image.names) names.emplace_back(name, image.root);
    if (image.names.empty()) unnamed.push_back(image.root);
  }
  for (const ArchiveImage& a : plan->attached) {
    for (const Reference& name : a.names) names.emplace_back(name, a.root);
  }
  if (!names.empty() || !unnamed.empty()) HOIST_TRY(SetNames(store, names, unnamed));
  result.images = std::move(plan->images);
  return result;
}

}  // namespace hoist::store
