#pragma once
// ADD's local archives: a tar file, plain or compressed with gzip, zstd, bzip2 or xz, is unpacked
// into the destination directory instead of copied (its entries' owners kept unless --chown); any
// other file is not an archive and is copied as it is.

#include <string>

#include "builder/source_paths.h"
#include "builder/tree_copy.h"
#include "container/root_dir.h"

namespace hoist::builder {

// True when `src` was an archive and has been unpacked into `dest_rel` (a directory, created
// when missing); false when it is a plain file. `scratch`: a path this call may create.
Result<bool> ExtractIfArchive(const SourceEntry& src, const container::RootDir& dest, const std::string& dest_rel,
                              TreeCopyOptions options, const std::string& scratch);

}  // namespace hoist::builder
