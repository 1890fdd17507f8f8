#include "tools/run_flags.h"

#include <unistd.h>

#include <cstdlib>

#include "core/fs.h"
#include "tools/command.h"

namespace hoist::tools {

namespace {

constexpr uint64_t kMaxEnvFileSize = 1 << 20;

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

Status AddVolume(const std::string& name, container::VolumeStore& volumes, RunMounts& out, container::SandboxMount m) {
  auto v = volumes.Create(name);
  if (!v.ok()) return UsageError(v.error().message());
  m.kind = container::SandboxMount::Kind::kBind;
  m.source = v->mountpoint;
  out.volumes.push_back(v->name);
  out.mounts.push_back(std::move(m));
  return Ok();
}

Result<bool> ReadOnlyValue(const std::string& key, const std::string& value, bool has_value) {
  if (!has_value || value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  return UsageError("--mount " + key + "= takes true or false (got \"" + value + "\")");
}

}  // namespace

Status AddVolumeFlag(const std::string& spec, container::VolumeStore& volumes, RunMounts& out) {
  std::vector<std::string> parts = Split(spec, ':');
  if (parts.size() > 3 || parts[0].empty()) {
    return UsageError("bad -v \"" + spec + "\": use HOST_PATH:CONTAINER_PATH[:ro], NAME:CONTAINER_PATH[:ro] or CONTAINER_PATH");
  }
  container::SandboxMount m;
  if (parts.size() == 1) {
    m.target = parts[0];
    return AddVolume("", volumes, out, std::move(m));
  }
  m.target = parts[1];
  if (parts.size() == 3) {
    for (const auto& opt : Split(parts[2], ',')) {
      if (opt == "ro") m.read_only = true;
      else if (opt == "rw") m.read_only = false;
      else if (opt != "z" && opt != "Z") return UsageError("bad -v mode \"" + opt + "\" in \"" + spec + "\": use ro or rw");
    }
  }
  if (m.target.empty() || m.target[0] != '/') {
    return UsageError("bad -v \"" + spec + "\": the container path must be absolute");
  }
  const std::string& source = parts[0];
  if (source[0] == '/') {
    if (::access(source.c_str(), F_OK) != 0) {
      HOIST_TRY(MakeDirs(source, 0755));  // as docker's -v does
    }
    m.source = source;
    out.mounts.push_back(std::move(m));
    return Ok();
  }
  if (source[0] == '.' || source.find('/') != std::string::npos) {
    return UsageError("bad -v \"" + spec + "\": a host path must be absolute (use $PWD/" + source + ")");
  }
  return AddVolume(source, volumes, out, std::move(m));
}

Status AddMountFlag(const std::string& spec, container::VolumeStore& volumes, RunMounts& out) {
  std::string type = "volume", source;
  container::SandboxMount m;
  std::string size, mode;
  for (const auto& field : Split(spec, ',')) {
    size_t eq = field.find('=');
    std::string key = field.substr(0, eq), value = eq == std::string::npos ? "" : field.substr(eq + 1);
    if (key == "type") type = value;
    else if (key == "source" || key == "src") source = value;
    else if (key == "target" || key == "destination" || key == "dst") m.target = value;
    else if (key == "readonly" || key == "ro") {
      HOIST_TRY_ASSIGN(m.read_only, ReadOnlyValue(key, value, eq != std::string::npos));
    } else if (key == "tmpfs-size") size = value;
    else if (key == "tmpfs-mode") mode = value;
    else if (key == "bind-propagation" || key == "consistency") continue;  // private is what we do
    else return UsageError("unknown --mount key \"" + key + "\" (hoist knows type, source, target, readonly, tmpfs-size, tmpfs-mode)");
  }
  if (m.target.empty() || m.target[0] != '/') return UsageError("--mount \"" + spec + "\" needs an absolute target=");
  if (type == "bind") {
    if (source.empty() || source[0] != '/') return UsageError("--mount type=bind needs an absolute source=");
    if (::access(source.c_str(), F_OK) != 0) {
      return NotFound("--mount type=bind: the source path " + source + " does not exist");
    }
    m.source = source;
    out.mounts.push_back(std::move(m));
    return Ok();
  }
  if (type == "volume") return AddVolume(source, volumes, out, std::move(m));
  if (type == "tmpfs") {
    if (!source.empty()) return UsageError("--mount type=tmpfs takes no source");
    m.kind = container::SandboxMount::Kind::kTmpfs;
    if (!size.empty()) m.tmpfs_options = "size=" + size;
    if (!mode.empty()) m.tmpfs_options += (m.tmpfs_options.empty() ? "mode=" : ",mode=") + mode;
    out.mounts.push_back(std::move(m));
    return Ok();
  }
  return UsageError("--mount type= must be bind, volume or tmpfs (got \"" + type + "\")");
}

Status AddTmpfsFlag(const std::string& spec, RunMounts& out) {
  container::SandboxMount m;
  m.kind = container::SandboxMount::Kind::kTmpfs;
  size_t colon = spec.find(':');
  m.target = spec.substr(0, colon);
  if (colon != std::string::npos) m.tmpfs_options = spec.substr(colon + 1);
  if (m.target.empty() || m.target[0] != '/') return UsageError("--tmpfs \"" + spec + "\" needs an absolute path");
  out.mounts.push_back(std::move(m));
  return Ok();
}

Result<std::vector<std::string>> ReadEnvFile(const std::string& path) {
  HOIST_TRY_ASSIGN(std::string text, ReadFileToString(path, kMaxEnvFileSize));
  std::vector<std::string> out;
  for (std::string line : Split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    line = line.substr(first);
    size_t eq = line.find('=');
    std::string key = line.substr(0, eq);
    if (key.empty() || key.find_first_of(" \t") != std::string::npos) {
      return UsageError("--env-file " + path + ": bad line \"" + line + "\" (KEY=VALUE or KEY)");
    }
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> MergeEnv(std::vector<std::string> env, const std::vector<std::string>& flags) {
  for (std::string e : flags) {
    size_t eq = e.find('=');
    std::string key = e.substr(0, eq);
    if (eq == std::string::npos) {
      const char* ours = std::getenv(key.c_str());
      if (ours == nullptr) continue;
      e = key + "=" + ours;
    }
    std::erase_if(env, [&](const std::string& x) { return x.compare(0, key.size() + 1, key + "=") == 0; });
    env.push_back(e);
  }
  return env;
}

}  // namespace hoist::tools
