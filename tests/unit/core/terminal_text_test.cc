#include "core/terminal_text.h"

#include <catch2/catch.hpp>
#include <string>

using hoist::EscapeForTerminal;

TEST_CASE("EscapeForTerminal keeps printable ASCII and valid UTF-8 unchanged") {
  CHECK(EscapeForTerminal("v1.2.3-alpine_x") == "v1.2.3-alpine_x");
  CHECK(EscapeForTerminal("RUN apt-get install -y \\ curl") == "RUN apt-get install -y \\ curl");
  CHECK(EscapeForTerminal("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3 \xe2\x80\xa6") ==
        "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3 \xe2\x80\xa6");
  CHECK(EscapeForTerminal("") == "");
}

TEST_CASE("EscapeForTerminal escapes C0 controls, NUL and DEL") {
  CHECK(EscapeForTerminal("\x1b[31mRED") == "\\x1b[31mRED");
  CHECK(EscapeForTerminal(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(EscapeForTerminal("bell\a") == "bell\\x07");
  CHECK(EscapeForTerminal("x\x7fy") == "x\\x7fy");
  CHECK(EscapeForTerminal("one\ntwo\r\tthree") == "one\\ntwo\\r\\tthree");
  CHECK(EscapeForTerminal("\x1b[2J\x1b]0;title\a") == "\\x1b[2J\\x1b]0;title\\x07");
}

TEST_CASE("EscapeForTerminal escapes C1 controls and bidirectional overrides as code points") {
  CHECK(EscapeForTerminal("a\xc2\x9b" "31mb") == "a\\u009b31mb");  // CSI
  CHECK(EscapeForTerminal("\xc2\x9d" "0;t\xc2\x9c") == "\\u009d0;t\\u009c");  // OSC … ST
  CHECK(EscapeForTerminal("\xc2\x80\xc2\x9f") == "\\u0080\\u009f");
  CHECK(EscapeForTerminal("\xc2\xa0") == "\xc2\xa0");  // U+00A0 is not a control
  CHECK(EscapeForTerminal("abc\xe2\x80\xae" "fdp.exe") == "abc\\u202efdp.exe");
  CHECK(EscapeForTerminal("\xe2\x81\xa6x\xe2\x81\xa9") == "\\u2066x\\u2069");
}

TEST_CASE("EscapeForTerminal escapes each byte of invalid UTF-8") {
  CHECK(EscapeForTerminal("\xff") == "\\xff");
  CHECK(EscapeForTerminal("a\x80z") == "a\\x80z");                // stray continuation byte
  CHECK(EscapeForTerminal("\xc0\xaf") == "\\xc0\\xaf");           // overlong '/'
  CHECK(EscapeForTerminal("\xe0\x80\xaf") == "\\xe0\\x80\\xaf");  // overlong, 3 bytes
  CHECK(EscapeForTerminal("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a UTF-16 surrogate
  CHECK(EscapeForTerminal("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
  CHECK(EscapeForTerminal("\xc3") == "\\xc3");                    // cut short at the end
  CHECK(EscapeForTerminal("\xe6\x97x") == "\\xe6\\x97x");         // cut short in the middle
  // An escaped invalid byte cannot start an escape sequence: the output has no ESC or C1 byte.
  std::string out = EscapeForTerminal("\x9b\x1b\xc2");
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out == "\\x9b\\x1b\\xc2");
}
