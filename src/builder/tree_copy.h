#pragma once
// Copying a source (builder/source_paths.h) into a stage's root the way COPY does: a
// directory's contents merge into the destination directory, anything else becomes the destination
// entry; permissions and mtimes kept, owner 0:0 unless --chown, mode replaced by --chmod. Every
// destination entry is created with *at() calls below a directory resolved inside the root, so a
// symlink in the image can never redirect a write onto the host. Sources are read without
// following symlinks (a symlink is copied as a symlink).

#include <sys/types.h>

#include <optional>
#include <string>

#include "builder/source_filter.h"
#include "builder/source_paths.h"
#include "container/root_dir.h"
#include "core/digest.h"

namespace hoist::builder {

struct TreeCopyOptions {
  uid_t uid = 0;
  gid_t gid = 0;
  bool keep_owner = false;               // the source's uid/gid instead (ADD's extracted archives)
  std::optional<mode_t> mode;            // --chmod, for files and directories alike
  const SourceFilter* filter = nullptr;  // paths relative to the source tree's root
};

// Copies `src` to `dest_rel` in `dest` (a clean relative path; "." for the root). With
// `into_dir` a non-directory source lands as dest_rel/<its name>.
Status CopySource(const SourceEntry& src, const container::RootDir& dest, const std::string& dest_rel, bool into_dir,
                  const TreeCopyOptions& options);

// Whether `src` is a directory (after ResolveSource, which already followed symlinks).
Result<bool> SourceIsDir(const SourceEntry& src);

// Feeds everything COPY would copy from `src` into `hasher`: relative paths, types, modes, sizes,
// contents and symlink targets (not times or owners, as docker's cache does).
Status HashSource(const SourceEntry& src, const SourceFilter* filter, Hasher& hasher);

}  // namespace hoist::builder
