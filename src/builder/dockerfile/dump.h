#pragma once
// A canonical text form of a parsed Dockerfile: one line per instruction with its line number,
// keyword, flags, arguments (shell text or exec array) and heredoc bodies. The conformance tests
// compare it with expected dumps (testdata/dockerfile/parse.txt); it is also a debugging aid.
//
//   # escape=`                                     (only when a directive was given)
//   @2 FROM "alpine" AS "build" --platform="linux/arm64"
//   @3 RUN --mount="type=cache,target=/c" "<<EOF cat" heredoc(EOF,expand,chomp)="a\n"
//   @7 CMD exec["sh","-c"]
//
// Strings are double-quoted with `\\`, `\"`, `\n`, `\t`, `\r` and `\xHH` (other control bytes) escaped.

#include <string>
#include <string_view>

#include "builder/dockerfile/dockerfile.h"

namespace hoist::builder::dockerfile {

std::string Dump(const Dockerfile& file);
std::string DumpInstruction(const Instruction& instruction);

// `s` as a quoted string in the dump's form.
std::string DumpQuoted(std::string_view s);

}  // namespace hoist::builder::dockerfile
