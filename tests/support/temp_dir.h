#pragma once
// A directory under $TMPDIR that is removed with everything in it when the test ends.

#include <string>

namespace hoist::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes `data` to `path` (test setup only; not atomic).
void WriteFile(const std::string& path, const std::string& data);
std::string ReadFile(const std::string& path);

}  // namespace hoist::testing
