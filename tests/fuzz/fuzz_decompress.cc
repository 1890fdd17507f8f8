// Feeds arbitrary bytes to the auto-detecting decompressor with a small expansion limit.

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/compression.h"
#include "core/io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hoist::StringReader in(std::string(reinterpret_cast<const char*>(data), size));
  auto reader = hoist::DecompressAuto(in, hoist::DecompressOptions{1 << 20});
  char buf[8192];
  for (;;) {
    auto k = reader->Read(buf, sizeof buf);
    if (!k.ok() || *k == 0) break;
  }
  return 0;
}
