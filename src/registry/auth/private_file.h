#pragma once
// Atomic writes of files that hold secrets (mode 0600).
// TODO(lead): replace with core/fs.h's AtomicWriteFile once it exists and can set the mode.

#include <string>
#include <string_view>

#include "core/error.h"

namespace hoist::registry {

// Writes a temp file with mode 0600 in the same directory, fsyncs it, renames it over `path` and
// fsyncs the directory, so readers see the old or the new file, never half of one. Creates a
// missing parent directory with mode 0700. A symlink at `path` is followed: its target is replaced.
Status WritePrivateFileAtomically(const std::string& path, std::string_view data);

}  // namespace hoist::registry
