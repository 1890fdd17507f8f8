#pragma once
// Reading answers from the user's terminal: one line, with echo off for secrets.

#include <string>

namespace hoist::tools {

// Reads one line from stdin; with echo off when stdin is a terminal and `secret` is set.
std::string ReadLine(bool secret);

// Whether stdin is a terminal (a prompt can be answered).
bool StdinIsTerminal();

}  // namespace hoist::tools
