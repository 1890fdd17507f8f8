#include "core/human_size.h"

#include <cstdio>
#include <iterator>

namespace hoist {

std::string HumanSize(uint64_t bytes) {
  static const char* const kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double v = static_cast<double>(bytes);
  size_t u = 0;
  // Up while three significant digits would print 1000 or more ("999.7kB" is "1MB").
  while (v >= 999.5 && u + 1 < std::size(kUnits)) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g%s", v, kUnits[u]);
  return buf;
}

}  // namespace hoist
