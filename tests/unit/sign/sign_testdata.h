#pragma once
// Paths of the genuine cosign test data in testdata/cosign/ (see its README for where each came from).

#include <string>

#include "core/fs.h"

namespace hoist::sign::testdata {

inline std::string Path(const std::string& name) { return std::string(HOIST_SOURCE_DIR) + "/testdata/cosign/" + name; }

inline std::string Read(const std::string& name) {
  auto r = ReadFileToString(Path(name), 1 << 20);
  return r.ok() ? *r : std::string();
}

// The image cosign v3.0.4 signed (testdata/cosign/README.md).
inline constexpr const char* kSignedDigest = "sha256:f20c43161d73848408ef247f0ec7111b19fe58ffebc0cbcaa0d2c8bda4967268";
inline constexpr const char* kSignedReference = "localhost:15381/tobby/fixture";

}  // namespace hoist::sign::testdata
