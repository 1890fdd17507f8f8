#include "builder/config_steps.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <nlohmann/json.hpp>

#include "builder/dockerfile/expand.h"
#include "core/ascii.h"
#include "core/json_parse.h"

namespace hoist::builder {

namespace {

Error At(const dockerfile::Instruction& ins, const std::string& message) {
  return ParseError(ins.location.ToString() + ": " + ins.keyword + ": " + message);
}

std::vector<std::string> ShellOrExec(const dockerfile::Instruction& ins, const StageConfig& stage) {
  if (ins.exec_form) return ins.exec_args;
  std::vector<std::string> argv = stage.shell;
  argv.push_back(ins.text);
  return argv;
}

void SetEnv(std::vector<std::string>& env, const std::string& key, const std::string& value) {
  std::erase_if(env, [&](const std::string& e) { return e.compare(0, key.size() + 1, key + "=") == 0; });
  env.push_back(key + "=" + value);
}

std::string Joined(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) {
    if (!s.empty()) s += ' ';
    s += w;
  }
  return s;
}

Result<std::vector<std::string>> Words(const dockerfile::Instruction& ins, const BuildScope& scope, char escape) {
  if (!ins.exec_form) return dockerfile::ExpandWords(ins.text, scope.StageLookup(), escape, ins.location);
  std::vector<std::string> out;
  for (const auto& a : ins.exec_args) {
    HOIST_TRY_ASSIGN(std::string w, dockerfile::ExpandWord(a, scope.StageLookup(), escape, ins.location));
    out.push_back(std::move(w));
  }
  return out;
}

// "80", "80/udp", "8000-8002/tcp" → "80/tcp", ...
Result<std::vector<std::string>> ExposedPorts(const dockerfile::Instruction& ins, const std::vector<std::string>& words) {
  std::vector<std::string> ports;
  for (const auto& w : words) {
    std::string port = w, proto = "tcp";
    if (auto slash = w.find('/'); slash != std::string::npos) {
      port = w.substr(0, slash);
      proto = AsciiLower(w.substr(slash + 1));
    }
    if (proto != "tcp" && proto != "udp" && proto != "sctp") return At(ins, "unknown protocol in \"" + w + "\"");
    auto dash = port.find('-');
    std::string lo_text = port.substr(0, dash), hi_text = dash == std::string::npos ? lo_text : port.substr(dash + 1);
    auto number = [](const std::string& s) -> int {
      if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos) return -1;
      int v = std::stoi(s);
      return v <= 65535 ? v : -1;
    };
    int lo = number(lo_text), hi = number(hi_text);
    if (lo < 0 || hi < lo || hi - lo > 1024) return At(ins, "invalid port \"" + w + "\"");
    for (int p = lo; p <= hi; ++p) ports.push_back(std::to_string(p) + "/" + proto);
  }
  return ports;
}

Result<nlohmann::ordered_json> Healthcheck(const dockerfile::Instruction& ins) {
  std::string text = ins.text;
  auto first_end = text.find_first_of(" \t");
  std::string word = text.substr(0, first_end);
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::toupper(c); });
  std::string rest = first_end == std::string::npos ? "" : text.substr(text.find_first_not_of(" \t", first_end));
  nlohmann::ordered_json hc = nlohmann::ordered_json::object();
  if (word == "NONE") {
    if (!rest.empty() || !ins.flags.empty()) return At(ins, "NONE takes no arguments");
    hc["Test"] = {"NONE"};
    return hc;
  }
  if (word != "CMD" || rest.empty()) return At(ins, "expected CMD followed by a command, or NONE");
  nlohmann::ordered_json test = nlohmann::ordered_json::array();
  auto parsed = ParseJson(rest);
  if (rest[0] == '[' && parsed.ok() && parsed->is_array() &&
      std::all_of(parsed->begin(), parsed->end(), [](const auto& e) { return e.is_string(); })) {
    test.push_back("CMD");
    for (const auto& e : *parsed) test.push_back(e.template get<std::string>());
  } else {
    test = {"CMD-SHELL", rest};
  }
  hc["Test"] = test;
  static const std::map<std::string, std::string> kDurations = {
      {"interval", "Interval"}, {"timeout", "Timeout"}, {"start-period", "StartPeriod"},
      {"start-interval", "StartInterval"}};
  for (const auto& f : ins.flags) {
    if (auto d = kDurations.find(f.name); d != kDurations.end()) {
      auto ns = ParseDuration(f.value);
      if (!ns.ok()) return At(ins, "--" + f.name + ": " + ns.error().message());
      hc[d->second] = *ns;
    } else if (f.name == "retries") {
      if (f.value.empty() || f.value.size() > 9 || f.value.find_first_not_of("0123456789") != std::string::npos) {
        return At(ins, "--retries needs a number, got \"" + f.value + "\"");
      }
      hc["Retries"] = std::stoi(f.value);
    } else {
      return At(ins, "unknown flag --" + f.name);
    }
  }
  return hc;
}

Status RefuseFlags(const dockerfile::Instruction& ins) {
  if (!ins.flags.empty()) return At(ins, "unknown flag --" + ins.flags.front().name);
  return Ok();
}

// The stage's ARG, ENV and LABEL values in all, after an instruction that added to them.
Status CheckStateSize(const dockerfile::Instruction& ins, const StageConfig& stage, const BuildScope& scope) {
  size_t total = scope.StageBytes();
  for (const auto& [k, v] : stage.config.labels) total += k.size() + v.size();
  if (total <= dockerfile::kMaxVariableStateBytes) return Ok();
  return TooLarge(ins.location.ToString() + ": " + ins.keyword + ": the stage's ARG, ENV and LABEL values now hold " +
                  std::to_string(total) + " bytes, over the limit of " +
                  std::to_string(dockerfile::kMaxVariableStateBytes) + " (kMaxVariableStateBytes)");
}

}  // namespace

bool IsConfigInstruction(std::string_view k) {
  static const char* const kAll[] = {"ENV",         "LABEL",      "EXPOSE", "VOLUME",      "CMD",
                                     "ENTRYPOINT",  "SHELL",      "STOPSIGNAL", "HEALTHCHECK", "ONBUILD",
                                     "MAINTAINER",  "USER",       "ARG"};
  return std::any_of(std::begin(kAll), std::end(kAll), [&](const char* x) { return k == x; });
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 for an invalid byte.
size_t Utf8Length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
  }
  uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (b(i + k) & 0x3f);
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

// Go's strconv.Quote: invalid UTF-8 and control bytes escaped as \xNN (so `CMD echo \xff` is
// recorded as docker records it), other characters kept.
std::string GoQuote(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = Utf8Length(s, i);
    if (n > 1) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    ++i;
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\a': out += "\\a"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\v': out += "\\v"; continue;
      default: break;
    }
    if (n == 1 && c >= 0x20 && c != 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out + "\"";
}

}  // namespace

std::string GoQuotedList(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ' ';
    s += GoQuote(v[i]);
  }
  return s + "]";
}

Result<int64_t> ParseDuration(const std::string& text) {
  static const std::vector<std::pair<std::string, int64_t>> kUnits = {
      {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000LL}, {"m", 60000000000LL}, {"h", 3600000000000LL}};
  if (text.empty()) return InvalidArgument("empty duration");
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 12) return InvalidArgument("invalid duration \"" + text + "\"");
    int64_t n = std::stoll(text.substr(start, i - start));
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit = text.substr(unit_start, i - unit_start);
    auto u = std::find_if(kUnits.begin(), kUnits.end(), [&](const auto& p) { return p.first == unit; });
    if (u == kUnits.end()) return InvalidArgument("invalid duration \"" + text + "\" (units: ns us ms s m h)");
    total += n * u->second;
  }
  return total;
}

Result<std::optional<std::string>> ApplyConfigInstruction(const dockerfile::Instruction& ins, StageConfig& stage,
                                                          BuildScope& scope, char escape) {
  const std::string& k = ins.keyword;
  ContainerConfig& c = stage.config;
  using Text = std::optional<std::string>;
  if (k != "HEALTHCHECK") HOIST_TRY(RefuseFlags(ins));
  if (k == "ENV" || k == "LABEL" || k == "ARG") {
    HOIST_TRY_ASSIGN(auto pairs, dockerfile::ExpandKeyValues(ins, scope.StageLookup(), escape));
    if (pairs.empty()) return At(ins, "needs at least one argument");
    std::string text = k;
    for (const auto& kv : pairs) {
      if (k == "ENV") {
        SetEnv(c.env, kv.key, kv.value.value_or(""));
        scope.SetEnv(c.env);
      } else if (k == "LABEL") {
        c.labels[kv.key] = kv.value.value_or("");
      } else {
        auto value = scope.DeclareStageArg(kv.key, kv.value);
        text += " " + kv.key + (value ? "=" + *value : "");
        continue;
      }
      text += " " + kv.key + "=" + kv.value.value_or("");
    }
    HOIST_TRY(CheckStateSize(ins, stage, scope));
    return Text(text);
  }
  if (k == "CMD" || k == "ENTRYPOINT") {
    auto argv = ShellOrExec(ins, stage);
    if (k == "CMD") {
      c.cmd = argv;
      stage.cmd_set = true;
    } else {
      c.entrypoint = argv;
      if (!stage.cmd_set) c.cmd.reset();
    }
    return Text(k + " " + GoQuotedList(argv));
  }
  if (k == "SHELL") {
    if (!ins.exec_form || ins.exec_args.empty()) return At(ins, "needs a JSON array, e.g. SHELL [\"/bin/sh\", \"-c\"]");
    stage.shell = ins.exec_args;
    c.extra["Shell"] = stage.shell;
    return Text("SHELL " + GoQuotedList(stage.shell));
  }
  if (k == "EXPOSE" || k == "VOLUME") {
    HOIST_TRY_ASSIGN(auto words, Words(ins, scope, escape));
    if (words.empty()) return At(ins, "needs at least one argument");
    std::string text = k == "EXPOSE" ? "EXPOSE map[" : "VOLUME [";
    if (k == "EXPOSE") {
      HOIST_TRY_ASSIGN(auto ports, ExposedPorts(ins, words));
      for (size_t i = 0; i < ports.size(); ++i) text += (i ? " " : "") + ports[i] + ":{}";
      c.exposed_ports.insert(ports.begin(), ports.end());
    } else {
      for (const auto& v : words) {
        if (v.empty()) return At(ins, "a volume path cannot be empty");
      }
      c.volumes.insert(words.begin(), words.end());
      text += Joined(words);
    }
    return Text(text + "]");
  }
  if (k == "USER" || k == "STOPSIGNAL") {
    HOIST_TRY_ASSIGN(std::string word, dockerfile::ExpandWord(ins.text, scope.StageLookup(), escape, ins.location));
    if (word.empty()) return At(ins, "needs an argument");
    (k == "USER" ? c.user : c.stop_signal) = word;
    return Text(k + " " + word);
  }
  if (k == "HEALTHCHECK") {
    HOIST_TRY_ASSIGN(auto hc, Healthcheck(ins));
    c.extra["Healthcheck"] = hc;
    return Text("HEALTHCHECK " + ins.text);
  }
  if (k == "ONBUILD") {
    if (ins.text.empty()) return At(ins, "needs an instruction");
    std::string trigger = ins.text;
    auto& list = c.extra["OnBuild"];
    if (!list.is_array()) list = nlohmann::ordered_json::array();
    list.push_back(trigger);
    return Text("ONBUILD " + trigger);
  }
  if (k == "MAINTAINER") {
    stage.author = ins.text;
    c.labels["maintainer"] = ins.text;
    return Text("MAINTAINER " + ins.text);
  }
  return At(ins, "is not a config instruction");
}

}  // namespace hoist::builder
