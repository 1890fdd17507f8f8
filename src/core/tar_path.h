#pragma once
// Safe paths for archive entries. CleanEntryPath normalizes one name; TarPathChecker follows a whole
// archive in order so that an entry cannot reach outside the extraction root through a symlink or
// hardlink that an earlier entry created.
//
// What the checker cannot see: symlinks already on disk (from a lower layer, say). An extractor must
// still create entries without following symlinks (O_NOFOLLOW / openat2 RESOLVE_BENEATH, linkat
// without AT_SYMLINK_FOLLOW) and replace, never write through, an existing symlink at an entry's path.

#include <map>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/tar_entry.h"

namespace hoist {

// Quotes a name for an error message: control and non-ASCII bytes escaped as \xNN, long input cut.
std::string QuotePath(std::string_view s, size_t max_len = 200);

// "./a//b/" → "a/b"; "a/../b" → "b"; "./" → ".". Rejects (kUnsafePath) empty paths, NUL bytes,
// absolute paths and any ".." that climbs above the root.
Result<std::string> CleanEntryPath(std::string_view path);

// For the entries of an image layer (and their hardlink targets): as CleanEntryPath, but a leading
// "/" names the layer's root, as containerd and docker extract layers: "/" → ".", "/etc/x" → "etc/x"
// (umoci insert writes such names). A ".." that climbs above the root is still refused.
Result<std::string> CleanLayerEntryPath(std::string_view path);

// Whether TarPathChecker reads absolute names as inside the root (layers) or refuses them.
enum class AbsoluteNames { kRefuse, kInRoot };

class TarPathChecker {
 public:
  explicit TarPathChecker(AbsoluteNames absolute = AbsoluteNames::kRefuse) : absolute_(absolute) {}

  // Checks the next entry in archive order and returns its cleaned path. Rejected (kUnsafePath):
  // an unsafe path; a path below a symlink created earlier in the archive (`a -> /etc` then
  // `a/passwd`); a hardlink whose target escapes the root or lies below such a symlink; a
  // non-directory at the root itself.
  Result<std::string> Check(const TarEntry& entry);

 private:
  // The symlink (if any) at a proper ancestor of `cleaned`: {path, target}.
  const std::pair<const std::string, std::string>* SymlinkAncestor(const std::string& cleaned) const;

  Result<std::string> Clean(std::string_view path) const;

  AbsoluteNames absolute_;
  std::map<std::string, std::string> symlinks_;  // cleaned path → target, for symlinks seen so far
};

}  // namespace hoist
