#include "store/layout_paths.h"

#include <cstdlib>

#include "store/oci_layout.h"

namespace hoist::store {

std::string LayoutPaths::BlobDir(DigestAlgorithm alg) const {
  std::string dir = BlobsDir();
  dir += '/';
  dir += AlgorithmName(alg);
  return dir;
}

std::string LayoutPaths::Blob(const Digest& d) const {
  std::string path = BlobDir(d.algorithm());
  path += '/';
  path += d.hex();
  return path;
}

std::string LayoutPaths::Partial(const Digest& d) const {
  std::string path = PartialDir();
  path += '/';
  path += d.algorithm_name();
  path += '-';
  path += d.hex();
  return path;
}

std::string DefaultStorePath(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  const char* env = std::getenv("HOIST_STORE");
  if (env && *env) return env;
  const char* xdg = std::getenv("XDG_DATA_HOME");
  std::string base;
  if (xdg && *xdg == '/') {
    base = xdg;
  } else {
    const char* home = std::getenv("HOME");
    base = home && *home ? home : ".";
    base += "/.local/share";
  }
  return base + "/hoist/store";
}

}  // namespace hoist::store
