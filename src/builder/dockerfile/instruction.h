#pragma once
// One logical line → one Instruction: the keyword, its leading --flags, the exec (JSON) form when
// the arguments are a JSON array of strings, and the checks docker makes before any expansion.

#include <string_view>

#include "builder/dockerfile/dockerfile.h"
#include "builder/dockerfile/lines.h"
#include "core/error.h"

namespace hoist::builder::dockerfile {

// Upper-case keyword when `word` names a Dockerfile instruction (any case), else "".
std::string_view KnownKeyword(std::string_view word);

// Parses `line`. Errors are kParse "FILE:LINE:COL: message". Heredocs are not read here.
Result<Instruction> ParseInstruction(const LogicalLine& line, char escape);

// True when the instruction may open heredocs (RUN, COPY, ADD in shell form).
bool CanHaveHeredocs(const Instruction& instruction);

}  // namespace hoist::builder::dockerfile
