#pragma once
// Which entries of a source tree COPY and ADD see: the build context minus what .dockerignore
// excludes (a directory excluded as a whole is skipped unless a `!` pattern may bring back
// something below it), another stage's tree whole.

#include <functional>
#include <string>

namespace hoist::builder {

struct SourceFilter {
  // Relative paths from the tree's root ("src/a.c"). Null functions exclude nothing.
  std::function<bool(const std::string& rel)> excluded;
  std::function<bool(const std::string& dir)> may_reinclude;

  enum class Verdict { kInclude, kSkip, kDescendOnly };
  Verdict Check(const std::string& rel, bool is_dir) const {
    if (!excluded || rel.empty() || rel == "." || !excluded(rel)) return Verdict::kInclude;
    if (is_dir && may_reinclude && may_reinclude(rel)) return Verdict::kDescendOnly;
    return Verdict::kSkip;
  }
};

inline std::string JoinRel(const std::string& dir, const std::string& name) {
  return dir.empty() || dir == "." ? name : dir + "/" + name;
}

}  // namespace hoist::builder

#include "core/error.h"

namespace hoist::builder {

// Fills `filter` from a .dockerignore file's text (builder/dockerignore.h's rules).
Status ApplyDockerignore(const std::string& text, SourceFilter& filter);

}  // namespace hoist::builder
