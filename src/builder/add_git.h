#pragma once
// ADD of a git repository, as BuildKit takes it: `ADD [--keep-git-dir] URL#REF[:SUBDIR] DEST` where
// URL is git@host:path, git://…, ssh://… or an http(s) URL ending in .git. The repository is cloned
// with libgit2 (the environment's proxies; ssh through the agent), REF (a branch, tag or commit;
// default the remote's HEAD) is checked out, and the tree (or SUBDIR of it) is copied into DEST
// like a directory. The .git directory is dropped unless --keep-git-dir. The step is keyed by the
// commit, so a moved branch runs it again.

#include <cstddef>
#include <string>

#include "core/error.h"

namespace hoist::builder {

// Most bytes a clone may fetch: a repository is source code, not a dataset.
inline constexpr size_t kMaxGitFetchBytes = size_t{2} << 30;

struct GitSource {
  std::string url;     // without the fragment
  std::string ref;     // "" for the remote's HEAD
  std::string subdir;  // "" for the whole tree; clean and relative
};

// True for the forms BuildKit treats as a git repository.
bool IsGitSource(const std::string& word);

// Splits "URL#REF:SUBDIR" (SUBDIR cleaned into the tree); refuses an empty URL.
Result<GitSource> ParseGitSource(const std::string& word);

struct GitCheckout {
  std::string dir;     // what to copy: the clone's root, or SUBDIR in it
  std::string commit;  // the full hex id checked out
};

// Clones `source` into `dir` (empty, made by the caller) and checks REF out there.
Result<GitCheckout> FetchGitSource(const GitSource& source, const std::string& dir, bool keep_git_dir);

}  // namespace hoist::builder
