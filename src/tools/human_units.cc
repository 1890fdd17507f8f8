#include "tools/human_units.h"

#include <cstdio>

namespace hoist::tools {

std::optional<time_t> ParseRfc3339(const std::string& text) {
  int y, mo, d, h, mi, s, n = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 || n == 0) {
    return std::nullopt;
  }
  size_t i = static_cast<size_t>(n);
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  }
  long offset = 0;
  if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
    ++i;
  } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    int oh = 0, om = 0, k = 0;
    if (std::sscanf(text.c_str() + i + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5) return std::nullopt;
    offset = (text[i] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  struct tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return ::timegm(&tm) - offset;
}

std::string HumanAge(const std::string& rfc3339, time_t now) {
  auto t = ParseRfc3339(rfc3339);
  if (!t || *t <= 0) return "N/A";
  double secs = static_cast<double>(now - *t);
  auto plural = [](long n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); };
  std::string out;
  if (secs < 1) {
    out = "Less than a second";
  } else if (secs < 60) {
    out = plural(static_cast<long>(secs), "second");
  } else if (secs / 60 < 1.5) {
    out = "About a minute";
  } else if (secs < 3600) {
    out = plural(static_cast<long>(secs / 60), "minute");
  } else if (secs / 3600 < 1.5) {
    out = "About an hour";
  } else if (secs < 48 * 3600) {
    out = plural(static_cast<long>(secs / 3600), "hour");
  } else if (secs < 14 * 86400) {
    out = plural(static_cast<long>(secs / 86400), "day");
  } else if (secs < 60 * 86400) {
    out = plural(static_cast<long>(secs / (7 * 86400)), "week");
  } else if (secs < 2 * 365 * 86400) {
    out = plural(static_cast<long>(secs / (30 * 86400)), "month");
  } else {
    out = plural(static_cast<long>(secs / (365 * 86400)), "year");
  }
  return out + " ago";
}

std::string DockerTime(const std::string& rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  if (!t) return "";
  struct tm tm {};
  gmtime_r(&*t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
  return buf;
}

}  // namespace hoist::tools
