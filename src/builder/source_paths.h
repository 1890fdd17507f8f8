#pragma once
// COPY and ADD sources named in a source tree (the build context or another stage's root): the
// path cleaned, wildcards (*, ?, [..]) matched one component at a time, and the entry found without
// ever leaving the tree. In the build context a source that climbs out with ".." or reaches outside
// through a symlink is an error; in a stage's root, symlinks resolve inside that root, as they
// would in a container.

#include <string>
#include <vector>

#include "builder/source_filter.h"
#include "container/root_dir.h"
#include "container/unique_fd.h"

namespace hoist::builder {

struct SourceTree {
  std::string path;       // the tree's directory on the host (the context: its real path)
  bool is_context = false;
  SourceFilter filter;
  std::string what;       // "the build context", "stage build", for messages
};

// A source found: the entry `name` in the open directory `dir` (never a symlink, unless `rel`
// itself was a symlink's own content being copied, see ResolveSource), and its path in the tree.
struct SourceEntry {
  container::UniqueFd dir;
  std::string name;  // "." when the source is the tree's root itself
  std::string rel;   // clean relative path ("." for the root)
  std::string as_name;  // the last component as named (a followed symlink's own name): what
                        // the copy is called in a destination directory
};

bool HasWildcard(const std::string& pattern);

// A path cleaned the way it resolves inside a root: "." and empty parts dropped, ".." stopping at
// the root, a leading "/" ignored. "." for the root itself.
std::string CleanInRoot(const std::string& path);

// Relative paths (clean, in the tree) that `pattern` names. A pattern without wildcards gives
// itself when the entry exists. None found: kNotFound naming the pattern.
Result<std::vector<std::string>> MatchSources(const container::RootDir& root, const SourceTree& tree,
                                              const std::string& pattern);

// Opens a matched source: symlinks along the way and at the end are followed inside the tree
// (in the context they must stay inside it, else kUnsafePath).
Result<SourceEntry> ResolveSource(const container::RootDir& root, const SourceTree& tree, const std::string& rel);

}  // namespace hoist::builder
