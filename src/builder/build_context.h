#pragma once
// The build context: a directory, or a tar read from stdin (`-`) and extracted safely into a
// scratch directory; the Dockerfile (CONTEXT/Dockerfile, -f FILE, or -f - for stdin); and the
// .dockerignore rules that decide what COPY and ADD can see.

#include <string>

#include "builder/source_paths.h"
#include "core/error.h"
#include "core/io.h"

namespace hoist::builder {

struct ContextOptions {
  std::string context;     // a directory, or "-" for a tar on stdin
  std::string dockerfile;  // "" → Dockerfile in the context; "-" → stdin
  std::string scratch;     // an empty directory for the stdin tar's files
  Reader* stdin_reader = nullptr;  // where "-" reads from (stdin when null)
};

class BuildContext {
 public:
  static Result<BuildContext> Open(const ContextOptions& options);

  const SourceTree& tree() const { return tree_; }
  const std::string& dockerfile_text() const { return dockerfile_text_; }
  // The Dockerfile's name in messages: "Dockerfile", "docker/app.Dockerfile", "-".
  const std::string& dockerfile_name() const { return dockerfile_name_; }

 private:
  SourceTree tree_;
  std::string dockerfile_text_;
  std::string dockerfile_name_;
};

// The largest Dockerfile read (a typo'd -f pointing at a big file fails early).
inline constexpr uint64_t kMaxDockerfileSize = 4 * 1024 * 1024;

}  // namespace hoist::builder
