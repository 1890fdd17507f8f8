#include "builder/run_mounts.h"

#include <map>

#include "builder/source_paths.h"

namespace hoist::builder {

namespace {

Result<bool> Bool(const std::string& key, const std::string& value) {
  if (value.empty() || value == "true") return true;
  if (value == "false") return false;
  return InvalidArgument("RUN --mount " + key + " takes true or false, got \"" + value + "\"");
}

Result<uint64_t> Number(const std::string& key, const std::string& value, int base, uint64_t max) {
  if (value.empty() || value.size() > 20 || value.find_first_not_of(base == 8 ? "01234567" : "0123456789") !=
                                                 std::string::npos) {
    return InvalidArgument("RUN --mount " + key + " takes a " + (base == 8 ? "octal mode" : "number") + ", got \"" +
                           value + "\"");
  }
  uint64_t n = std::stoull(value, nullptr, base);
  if (n > max) return InvalidArgument("RUN --mount " + key + "=" + value + " is too large");
  return n;
}

// tmpfs size: bytes, or with k/m/g (as docker's --tmpfs size=64m).
Result<uint64_t> Size(const std::string& value) {
  std::string digits = value;
  uint64_t unit = 1;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 'k': case 'K': unit = uint64_t{1} << 10; digits.pop_back(); break;
      case 'm': case 'M': unit = uint64_t{1} << 20; digits.pop_back(); break;
      case 'g': case 'G': unit = uint64_t{1} << 30; digits.pop_back(); break;
      default: break;
    }
  }
  HOIST_TRY_ASSIGN(uint64_t n, Number("size", digits, 10, (uint64_t{1} << 40) / unit));
  return n * unit;
}

std::string Absolute(const std::string& path, const std::string& workdir) {
  std::string full = !path.empty() && path[0] == '/' ? path : (workdir.empty() ? "/" : workdir) + "/" + path;
  std::string clean = CleanInRoot(full);
  return clean == "." ? "/" : "/" + clean;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Result<RunMount> ParseRunMount(const std::string& spec, const std::string& workdir) {
  std::map<std::string, std::string> attrs;
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t comma = spec.find(',', pos);
    std::string part = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t eq = part.find('=');
    std::string key = part.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : part.substr(eq + 1);
    if (key.empty()) return InvalidArgument("RUN --mount needs KEY=VALUE attributes, got \"" + spec + "\"");
    // BuildKit's aliases.
    if (key == "dst" || key == "destination") key = "target";
    if (key == "src") key = "source";
    if (key == "ro") key = "readonly";
    if (!attrs.emplace(key, value).second) return InvalidArgument("RUN --mount repeats " + key);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  RunMount m;
  const std::string type = attrs.count("type") ? attrs["type"] : "bind";
  static const std::map<std::string, RunMount::Type> kTypes = {{"bind", RunMount::Type::kBind},
                                                               {"cache", RunMount::Type::kCache},
                                                               {"tmpfs", RunMount::Type::kTmpfs},
                                                               {"secret", RunMount::Type::kSecret},
                                                               {"ssh", RunMount::Type::kSsh}};
  auto t = kTypes.find(type);
  if (t == kTypes.end()) return InvalidArgument("RUN --mount type must be bind, cache, tmpfs, secret or ssh, got \"" + type + "\"");
  m.type = t->second;
  // Which attributes each type takes.
  static const std::map<RunMount::Type, std::string> kAllowed = {
      {RunMount::Type::kBind, " type target source from rw readwrite readonly "},
      {RunMount::Type::kCache, " type target id sharing mode uid gid readonly rw readwrite "},
      {RunMount::Type::kTmpfs, " type target size "},
      {RunMount::Type::kSecret, " type target id env required mode uid gid "},
      {RunMount::Type::kSsh, " type target id required mode uid gid "}};
  for (const auto& [k, v] : attrs) {
    if (kAllowed.at(m.type).find(" " + k + " ") == std::string::npos) {
      return InvalidArgument("RUN --mount type=" + type + " does not take " + k);
    }
  }
  auto get = [&](const std::string& k) { return attrs.count(k) ? attrs[k] : std::string(); };
  if (attrs.count("target")) {
    if (get("target").empty()) return InvalidArgument("RUN --mount target is empty");
    m.target = Absolute(get("target"), workdir);
    if (m.target == "/") return InvalidArgument("RUN --mount cannot mount over the root");
  }
  m.source = get("source");
  m.from = get("from");
  m.id = get("id");
  m.env = get("env");
  if (attrs.count("mode")) {
    HOIST_TRY_ASSIGN(uint64_t mode, Number("mode", get("mode"), 8, 07777));
    m.mode = static_cast<mode_t>(mode);
  }
  if (attrs.count("uid")) {
    HOIST_TRY_ASSIGN(uint64_t uid, Number("uid", get("uid"), 10, 0xfffffffe));
    m.uid = static_cast<uid_t>(uid);
  }
  if (attrs.count("gid")) {
    HOIST_TRY_ASSIGN(uint64_t gid, Number("gid", get("gid"), 10, 0xfffffffe));
    m.gid = static_cast<gid_t>(gid);
  }
  if (attrs.count("required")) {
    HOIST_TRY_ASSIGN(m.required, Bool("required", get("required")));
  }
  bool rw = false;
  if (attrs.count("rw")) {
    HOIST_TRY_ASSIGN(rw, Bool("rw", get("rw")));
  }
  if (attrs.count("readwrite")) {
    HOIST_TRY_ASSIGN(rw, Bool("readwrite", get("readwrite")));
  }
  bool ro = false;
  if (attrs.count("readonly")) {
    HOIST_TRY_ASSIGN(ro, Bool("readonly", get("readonly")));
  }

  switch (m.type) {
    case RunMount::Type::kBind:
      if (m.target.empty()) return InvalidArgument("RUN --mount type=bind needs a target");
      m.read_only = !rw;  // BuildKit: binds are read-only unless rw
      break;
    case RunMount::Type::kCache:
      if (m.target.empty()) return InvalidArgument("RUN --mount type=cache needs a target");
      if (m.id.empty()) m.id = m.target;
      if (attrs.count("sharing")) m.sharing = get("sharing");
      if (m.sharing != "shared" && m.sharing != "private" && m.sharing != "locked") {
        return InvalidArgument("RUN --mount sharing must be shared, private or locked, got \"" + m.sharing + "\"");
      }
      m.read_only = ro;
      break;
    case RunMount::Type::kTmpfs:
      if (m.target.empty()) return InvalidArgument("RUN --mount type=tmpfs needs a target");
      if (attrs.count("size")) {
    HOIST_TRY_ASSIGN(m.tmpfs_size, Size(get("size")));
  }
      break;
    case RunMount::Type::kSecret:
      if (m.id.empty() && !m.target.empty()) m.id = BaseName(m.target);
      if (m.id.empty()) return InvalidArgument("RUN --mount type=secret needs an id or a target");
      if (m.target.empty() && m.env.empty()) m.target = "/run/secrets/" + m.id;
      if (!m.mode) m.mode = 0400;
      m.read_only = true;
      break;
    case RunMount::Type::kSsh:
      if (m.id.empty()) m.id = "default";
      if (m.target.empty()) m.target = "/run/buildkit/ssh_agent.0";
      if (!m.mode) m.mode = 0600;
      break;
  }
  m.canonical = "type=" + type;
  for (const auto& [k, v] : attrs) {
    if (k != "type") m.canonical += "," + k + (v.empty() ? "" : "=" + v);
  }
  return m;
}

}  // namespace hoist::builder
