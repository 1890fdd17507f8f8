// Feeds arbitrary bytes to TarReader: every entry and all its data is read, and every entry goes
// through TarPathChecker. Any outcome but a crash, hang or sanitizer report is fine.

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/io.h"
#include "core/tar_path.h"
#include "core/tar_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hoist::StringReader in(std::string(reinterpret_cast<const char*>(data), size));
  hoist::TarReaderOptions options;
  options.max_metadata_size = 64 * 1024;
  hoist::TarReader reader(in, options);
  hoist::TarPathChecker checker;
  char buf[4096];
  for (int i = 0; i < 10000; ++i) {
    auto next = reader.Next();
    if (!next.ok() || !next->has_value()) break;
    (void)checker.Check(**next);
    for (;;) {
      auto k = reader.data().Read(buf, sizeof buf);
      if (!k.ok() || *k == 0) break;
    }
  }
  return 0;
}
