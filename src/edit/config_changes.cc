#include "edit/config_changes.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/json_parse.h"
#include "store/import.h"

namespace hoist::edit {

namespace {

constexpr int kMaxPort = 65535;
// Unix times beyond this (year 9999) do not fit RFC 3339's four-digit year.
constexpr int64_t kMaxEpochSeconds = 253402300799;

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Number(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM), fields in range (day checked against 31 only).
bool IsRfc3339(std::string_view s) {
  if (s.size() < 20) return false;
  auto digits = [&](size_t at, size_t n) { return AllDigits(s.substr(at, n)); };
  if (!digits(0, 4) || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2) || (s[10] != 'T' && s[10] != 't') ||
      !digits(11, 2) || s[13] != ':' || !digits(14, 2) || s[16] != ':' || !digits(17, 2)) {
    return false;
  }
  int month = Number(s.substr(5, 2)), day = Number(s.substr(8, 2));
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(s.substr(11, 2)) > 23 || Number(s.substr(14, 2)) > 59 ||
      Number(s.substr(17, 2)) > 60) {
    return false;
  }
  size_t i = 19;
  if (s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return false;
  }
  std::string_view zone = s.substr(i);
  if (zone == "Z" || zone == "z") return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && AllDigits(zone.substr(1, 2)) && zone[3] == ':' &&
         AllDigits(zone.substr(4, 2)) && Number(zone.substr(1, 2)) <= 23 && Number(zone.substr(4, 2)) <= 59;
}

}  // namespace

void ApplyConfigChanges(const ConfigChanges& changes, ImageConfig& config) {
  bool run_defaults = !changes.labels.empty() || !changes.env.empty() || changes.entrypoint || changes.cmd ||
                      changes.working_dir || changes.user || !changes.exposed_ports.empty();
  if (run_defaults) {
    ContainerConfig c = config.config().value_or(ContainerConfig{});
    for (const auto& [k, v] : changes.labels) c.labels[k] = v;
    for (const auto& kv : changes.env) {
      const std::string& k = kv.first;
      const std::string entry = k + "=" + kv.second;
      auto same = std::find_if(c.env.begin(), c.env.end(), [&](const std::string& e) {
        return e.size() > k.size() && e.compare(0, k.size(), k) == 0 && e[k.size()] == '=';
      });
      if (same != c.env.end()) *same = entry;
      else c.env.push_back(entry);
    }
    if (changes.entrypoint) c.entrypoint = *changes.entrypoint;
    if (changes.cmd) c.cmd = *changes.cmd;
    if (changes.working_dir) c.working_dir = *changes.working_dir;
    if (changes.user) c.user = *changes.user;
    for (const auto& p : changes.exposed_ports) c.exposed_ports.insert(p);
    config.set_config(std::move(c));
  }
  if (changes.created) config.set_created(*changes.created);
  if (changes.platform) config.set_platform(*changes.platform);
  if (changes.drop_history) config.set_history({});
}

Result<std::pair<std::string, std::string>> ParseKeyValue(std::string_view text, std::string_view flag,
                                                          bool bare_key) {
  const size_t eq = text.find('=');
  const std::string_view key = text.substr(0, eq);
  if (key.empty() || (eq == std::string_view::npos && !bare_key)) {
    return InvalidArgument(std::string(flag) + " takes KEY=VALUE (got \"" + std::string(text) + "\")");
  }
  if (key.find_first_of(" \t\r\n") != std::string_view::npos) {
    return InvalidArgument(std::string(flag) + " takes KEY=VALUE with a KEY without spaces (got \"" +
                           std::string(text) + "\")");
  }
  const std::string_view value = eq == std::string_view::npos ? std::string_view() : text.substr(eq + 1);
  return std::pair<std::string, std::string>(std::string(key), std::string(value));
}

Result<std::vector<std::string>> ParseCommandList(std::string_view text, std::string_view flag) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  if (text.front() == '[') {
    auto parsed = ParseJson(text);
    bool ok = parsed.ok() && parsed->is_array() &&
              std::all_of(parsed->begin(), parsed->end(), [](const auto& e) { return e.is_string(); });
    if (!ok) {
      return InvalidArgument(std::string(flag) + " takes a JSON array of strings or comma-separated words (got \"" +
                             std::string(text) + "\")");
    }
    for (const auto& e : *parsed) out.push_back(e.template get<std::string>());
    return out;
  }
  size_t start = 0;
  for (;;) {
    size_t comma = text.find(',', start);
    out.emplace_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<std::string> ParsePort(std::string_view text) {
  std::string_view port = text, proto = "tcp";
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    port = text.substr(0, slash);
    proto = text.substr(slash + 1);
  }
  bool port_ok = AllDigits(port) && port.size() <= 5 && Number(port) >= 1 && Number(port) <= kMaxPort;
  if (!port_ok || (proto != "tcp" && proto != "udp" && proto != "sctp")) {
    return InvalidArgument("--exposed-ports takes PORT[/tcp|udp|sctp] with PORT 1.." + std::to_string(kMaxPort) +
                           " (got \"" + std::string(text) + "\")");
  }
  return std::to_string(Number(port)) + "/" + std::string(proto);
}

Result<std::string> ParseCreated(std::string_view text) {
  if (AllDigits(text)) {
    int64_t seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size() || seconds > kMaxEpochSeconds) {
      return InvalidArgument("--created: Unix time \"" + std::string(text) + "\" is after the year 9999");
    }
    return store::Rfc3339(seconds);
  }
  if (!IsRfc3339(text)) {
    return InvalidArgument("--created takes an RFC 3339 time (2024-01-02T03:04:05Z) or Unix seconds (got \"" +
                           std::string(text) + "\")");
  }
  return std::string(text);
}

}  // namespace hoist::edit
