#pragma once
// Byte counts the way docker prints them everywhere (images, history, pull/push progress):
// decimal units with three significant digits ("62.9MB", "7.5kB", "512B"), as docker's
// units.HumanSizeWithPrecision(n, 3).

#include <cstdint>
#include <string>

namespace hoist {

std::string HumanSize(uint64_t bytes);

}  // namespace hoist
