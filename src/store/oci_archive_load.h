#pragma once
// `hoist load`: an archive (docker-archive or oci-archive, plain, gzip or zstd) into the store, in
// one sequential pass so it works from a pipe. Files are spooled into the store's temp area,
// the whole archive is checked (every digest, every size, every manifest and config), and only
// then are the blobs renamed into blobs/ and the names set. Bad input leaves the store as it was.

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "core/error.h"
#include "core/io.h"
#include "store/oci_archive_entries.h"
#include "store/oci_archive_reader.h"
#include "store/oci_layout.h"

namespace hoist::store {

enum class ArchiveFormat { kDockerArchive, kOciArchive };

struct LoadOptions {
  // Most bytes a compressed archive may expand to (a decompression bomb becomes kTooLarge).
  uint64_t max_expanded_size = std::numeric_limits<uint64_t>::max();
  ArchiveReadOptions read;
};

struct LoadResult {
  ArchiveFormat format = ArchiveFormat::kDockerArchive;
  std::vector<ArchiveImage> images;
};

Result<LoadResult> LoadArchive(OciLayout& store, Reader& in, const LoadOptions& options = {});

}  // namespace hoist::store
