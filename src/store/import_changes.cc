#include "store/import_changes.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "core/spec_json.h"

namespace hoist::store {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Shell-like words: whitespace separates, "…" and '…' group, backslash escapes in "…" and outside.
Result<std::vector<std::string>> Words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < s.size()) {
        cur += s[++i];
      } else {
        cur += c;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < s.size()) {
      cur += s[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) out.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote) return InvalidArgument("unterminated quote in " + spec_json::Quote(s));
  if (in_word) out.push_back(cur);
  return out;
}

// JSON form ["a", "b"] when it parses as an array of strings; nullopt means shell form.
Result<std::optional<std::vector<std::string>>> JsonForm(const std::string& rest) {
  if (rest.empty() || rest[0] != '[') return std::optional<std::vector<std::string>>();
  auto j = spec_json::Parse(rest);
  if (!j.ok() || !j->is_array()) return std::optional<std::vector<std::string>>();  // docker: shell form then
  std::vector<std::string> out;
  for (const auto& v : *j) {
    if (!v.is_string()) return InvalidArgument("expected an array of strings in " + spec_json::Quote(rest));
    out.push_back(v.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(out);
}

Result<std::vector<std::pair<std::string, std::string>>> Pairs(const std::string& rest, bool allow_space_form) {
  std::vector<std::pair<std::string, std::string>> out;
  HOIST_TRY_ASSIGN(auto words, Words(rest));
  if (words.empty()) return InvalidArgument("needs KEY=VALUE");
  if (allow_space_form && words[0].find('=') == std::string::npos) {
    size_t sp = rest.find_first_of(" \t");
    if (sp == std::string::npos) return InvalidArgument("needs a value: KEY=VALUE or KEY VALUE");
    out.emplace_back(Trim(rest.substr(0, sp)), Trim(rest.substr(sp)));
    return out;
  }
  for (const auto& w : words) {
    size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0) return InvalidArgument(spec_json::Quote(w) + " is not KEY=VALUE");
    out.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  return out;
}

void SetEnv(std::vector<std::string>& env, const std::string& key, const std::string& value) {
  std::string entry = key + "=" + value;
  for (auto& e : env) {
    if (e.compare(0, key.size() + 1, key + "=") == 0) {
      e = entry;
      return;
    }
  }
  env.push_back(entry);
}

Status Apply(ContainerConfig& c, const std::string& op, const std::string& rest) {
  if (op == "CMD" || op == "ENTRYPOINT") {
    HOIST_TRY_ASSIGN(auto json, JsonForm(rest));
    std::vector<std::string> argv = json ? *json : std::vector<std::string>{"/bin/sh", "-c", rest};
    (op == "CMD" ? c.cmd : c.entrypoint) = argv;
    return Ok();
  }
  if (op == "ENV" || op == "LABEL") {
    HOIST_TRY_ASSIGN(auto pairs, Pairs(rest, op == "ENV"));
    for (const auto& [k, v] : pairs) {
      if (op == "ENV") SetEnv(c.env, k, v);
      else c.labels[k] = v;
    }
    return Ok();
  }
  if (op == "EXPOSE") {
    HOIST_TRY_ASSIGN(auto words, Words(rest));
    if (words.empty()) return InvalidArgument("needs a port");
    for (auto w : words) {
      std::string port = w.substr(0, w.find('/'));
      if (port.empty() || !std::all_of(port.begin(), port.end(), [](char ch) { return (ch >= '0' && ch <= '9') || ch == '-'; })) {
        return InvalidArgument(spec_json::Quote(w) + " is not a port (PORT[/tcp|udp|sctp])");
      }
      if (w.find('/') == std::string::npos) w += "/tcp";
      c.exposed_ports.insert(w);
    }
    return Ok();
  }
  if (op == "VOLUME") {
    HOIST_TRY_ASSIGN(auto json, JsonForm(rest));
    std::vector<std::string> vols;
    if (json) {
      vols = *json;
    } else {
      HOIST_TRY_ASSIGN(vols, Words(rest));
    }
    if (vols.empty()) return InvalidArgument("needs a path");
    for (const auto& v : vols) c.volumes.insert(v);
    return Ok();
  }
  if (op == "USER" || op == "WORKDIR" || op == "STOPSIGNAL") {
    if (rest.empty()) return InvalidArgument("needs a value");
    if (op == "USER") c.user = rest;
    else if (op == "WORKDIR") c.working_dir = rest;
    else c.stop_signal = rest;
    return Ok();
  }
  return InvalidArgument("unsupported instruction " + spec_json::Quote(op) +
                         " (supported: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, WORKDIR, VOLUME, STOPSIGNAL)");
}

}  // namespace

Status ApplyConfigChange(ContainerConfig& config, const std::string& change) {
  std::string s = Trim(change);
  size_t sp = s.find_first_of(" \t");
  std::string op = s.substr(0, sp);
  std::transform(op.begin(), op.end(), op.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  std::string rest = sp == std::string::npos ? "" : Trim(s.substr(sp));
  auto st = Apply(config, op, rest);
  if (!st.ok()) return InvalidArgument("--change " + spec_json::Quote(change) + ": " + st.error().message());
  return Ok();
}

}  // namespace hoist::store
