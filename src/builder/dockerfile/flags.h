#pragma once
// The leading `--name[=value]` words of an instruction, split off and checked against the flags
// docker knows for that instruction.

#include <string_view>
#include <vector>

#include "builder/dockerfile/dockerfile.h"
#include "builder/dockerfile/lines.h"
#include "core/error.h"

namespace hoist::builder::dockerfile {

// Reads the flags at `*offset` in `line.text` (quotes and backslashes removed from the values as
// docker does) and moves `*offset` past them.
std::vector<Flag> ExtractFlags(const LogicalLine& line, size_t* offset);

// Checks each flag is one `keyword` takes, with a value when it needs one.
Status CheckFlags(std::string_view keyword, const std::vector<Flag>& flags);

}  // namespace hoist::builder::dockerfile
