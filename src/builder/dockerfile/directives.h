#pragma once
// Parser directives (`# syntax=`, `# escape=`, `# check=`): only in the comment lines at the very top
// of a Dockerfile. The first line that is not a known directive ends them for good.

#include <set>
#include <string>
#include <string_view>

#include "core/error.h"

namespace hoist::builder::dockerfile {

class DirectiveScanner {
 public:
  explicit DirectiveScanner(std::string file) : file_(std::move(file)) {}

  // Looks at physical line `number` (leading whitespace already removed). Errors name the line.
  Status Feed(std::string_view line, int number);

  bool done() const { return done_; }
  const std::string& syntax() const { return syntax_; }
  char escape() const { return escape_; }

 private:
  std::string file_;
  bool done_ = false;
  std::set<std::string> seen_;
  std::string syntax_;
  char escape_ = '\\';
};

}  // namespace hoist::builder::dockerfile
