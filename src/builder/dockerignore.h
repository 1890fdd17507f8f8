#pragma once
// .dockerignore: which files of the build context are left out, with docker's rules
// (moby/patternmatcher): one pattern a line, `#` comments in the first column, patterns cleaned like
// filepath.Clean with a leading `/` dropped, `*` `?` `[...]` `**`, `!` exceptions, the last matching
// pattern wins, and a pattern matching a directory matches everything beneath it.

#include <string_view>
#include <vector>

#include "builder/ignore_pattern.h"
#include "core/error.h"

namespace hoist::builder {

class IgnoreMatcher {
 public:
  // Parses the file's text. Errors (kParse) name the line: ".dockerignore:3: bad pattern ...".
  static Result<IgnoreMatcher> Parse(std::string_view text, std::string_view file_name = ".dockerignore");

  // True when `rel_path` ("a/b/c": relative to the context, no leading slash) is left out.
  bool Excluded(std::string_view rel_path) const;

  // For an excluded directory: true when an `!` pattern might bring back something beneath it, so
  // the context walker must still look inside; false when the whole directory can be skipped.
  bool MayReinclude(std::string_view dir_rel) const;

  bool empty() const { return patterns_.empty(); }

 private:
  struct Entry {
    IgnorePattern pattern;
    bool exclusion = false;  // a `!` line: brings files back
  };
  std::vector<Entry> patterns_;
};

}  // namespace hoist::builder
