#pragma once
// The `docker save` format: manifest.json lists each image's config file, layer files and
// RepoTags. Layers are normally uncompressed tars whose digest is the config's diff_id; gzip or
// zstd layers are accepted too, checked by decompressing them. A docker archive has no manifest,
// so one is made (Docker schema 2, uncompressed layer types), the same bytes every time for the
// same image; when the archive also carries an OCI index.json (Docker 25+, hoist) with a manifest
// for exactly this config and these layers, that manifest is used as is, so its digest survives.

#include "core/error.h"
#include "store/oci_archive_entries.h"
#include "store/oci_archive_reader.h"

namespace hoist::store {

Result<ArchivePlan> ReadDockerArchive(const ArchiveEntries& entries);

}  // namespace hoist::store
