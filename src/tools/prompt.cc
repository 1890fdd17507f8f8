#include "tools/prompt.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace hoist::tools {

std::string ReadLine(bool secret) {
  termios old{};
  bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty && secret) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty && secret) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

bool StdinIsTerminal() { return isatty(STDIN_FILENO) != 0; }

}  // namespace hoist::tools
