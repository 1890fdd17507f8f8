#include "serve/access_log.h"

#include <ctime>

namespace hoist::serve {

std::string EscapeLogField(const std::string& s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s.substr(0, 2048)) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void AccessLog::Write(const std::string& remote, const std::string& user, const std::string& method,
                      const std::string& target, const std::string& version, int status, uint64_t bytes,
                      double seconds) {
  if (!out_) return;
  char when[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &tm);
  std::lock_guard<std::mutex> lock(mu_);
  std::fprintf(out_, "%s - %s [%s] \"%s %s %s\" %d %llu %.3f\n", remote.c_str(),
               user.empty() ? "-" : EscapeLogField(user).c_str(), when, EscapeLogField(method).c_str(),
               EscapeLogField(target).c_str(), EscapeLogField(version).c_str(), status,
               static_cast<unsigned long long>(bytes), seconds);
  std::fflush(out_);
}

}  // namespace hoist::serve
