#include "registry/config/insecure_registries.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "core/fs.h"
#include "core/json_parse.h"
#include "registry/config/registries_conf.h"

namespace hoist::registry {

namespace fs = std::filesystem;

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string ConfigHome() {
  std::string xdg = Env("XDG_CONFIG_HOME");
  if (!xdg.empty()) return xdg;
  std::string home = Env("HOME");
  return home.empty() ? std::string() : home + "/.config";
}

bool IsFile(const std::string& path) {
  std::error_code ec;
  return !path.empty() && fs::is_regular_file(path, ec);
}

// A missing file reads as nullopt; one over `limit` is refused naming `limit_name`.
Result<std::optional<std::string>> ReadOptional(const std::string& path, size_t limit, const char* limit_name) {
  if (!IsFile(path)) return std::optional<std::string>();
  auto text = ReadFileToString(path, limit);
  if (!text.ok()) {
    if (text.error().code() == ErrorCode::kTooLarge) {
      return TooLarge(path + " is larger than " + std::to_string(limit) + " bytes (" + limit_name + ")");
    }
    return std::move(text).error();
  }
  return std::optional<std::string>(std::move(*text));
}

Status ReadHoistConfig(const std::string& path, std::vector<std::string>& out) {
  HOIST_TRY_ASSIGN(auto text, ReadOptional(path, kMaxHoistConfigSize, "kMaxHoistConfigSize"));
  if (!text) return Ok();
  auto j = ParseJson(*text);
  if (!j.ok()) return std::move(j).error().WithContext(path);
  if (!j->is_object()) return ParseError(path + ": the hoist config must be a JSON object");
  auto it = j->find("insecure-registries");
  if (it == j->end()) return Ok();
  if (!it->is_array()) return ParseError(path + ": \"insecure-registries\" must be a list of strings");
  for (const auto& e : *it) {
    if (!e.is_string() || e.get<std::string>().empty()) {
      return ParseError(path + ": \"insecure-registries\" must be a list of non-empty strings");
    }
    out.push_back(e.get<std::string>());
  }
  return Ok();
}

Status ReadRegistriesConf(const std::string& path, std::vector<InsecureSetting>& out) {
  HOIST_TRY_ASSIGN(auto text, ReadOptional(path, kMaxRegistriesConfSize, "kMaxRegistriesConfSize"));
  if (!text) return Ok();
  HOIST_TRY_ASSIGN(auto settings, ParseRegistriesConf(*text, path));
  out.insert(out.end(), settings.begin(), settings.end());
  return Ok();
}

Status ReadDropIns(const std::string& dir, std::vector<InsecureSetting>& out) {
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return Ok();
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".conf") continue;
    if (files.size() == kMaxRegistriesConfDropIns) {
      return TooLarge(dir + " holds more than " + std::to_string(kMaxRegistriesConfDropIns) +
                      " .conf files (kMaxRegistriesConfDropIns)");
    }
    files.push_back(it->path().string());
  }
  if (ec) return IOError("cannot list " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) HOIST_TRY(ReadRegistriesConf(f, out));
  return Ok();
}

void AddUnique(std::vector<std::string>& list, std::string entry) {
  if (std::find(list.begin(), list.end(), entry) == list.end()) list.push_back(std::move(entry));
}

}  // namespace

std::string HoistConfigPath() {
  std::string home = ConfigHome();
  return home.empty() ? std::string() : home + "/hoist/config.json";
}

InsecureSources InsecureSources::FromEnvironment() {
  InsecureSources s;
  s.env_list = Env("HOIST_INSECURE_REGISTRIES");
  s.hoist_config = HoistConfigPath();
  std::string home = Env("HOME");
  std::string user_conf = home.empty() ? std::string() : home + "/.config/containers/registries.conf";
  std::string user_dir = home.empty() ? std::string() : home + "/.config/containers/registries.conf.d";
  std::string system_dir = Env("HOIST_REGISTRIES_CONF_D");
  if (system_dir.empty()) system_dir = "/etc/containers/registries.conf.d";
  if (std::string env_conf = Env("CONTAINERS_REGISTRIES_CONF"); !env_conf.empty()) {
    s.registries_conf = env_conf;
    s.registries_conf_dirs = {system_dir, user_dir};
  } else if (IsFile(user_conf)) {
    s.registries_conf = user_conf;  // the user's file replaces the system's, drop-ins included
    s.registries_conf_dirs = {user_dir};
  } else {
    s.registries_conf = "/etc/containers/registries.conf";
    s.registries_conf_dirs = {system_dir, user_dir};
  }
  return s;
}

Result<std::vector<std::string>> LoadInsecureRegistries(const InsecureSources& sources) {
  std::vector<std::string> out;
  if (!sources.hoist_config.empty()) HOIST_TRY(ReadHoistConfig(sources.hoist_config, out));

  std::vector<InsecureSetting> settings;
  if (!sources.registries_conf.empty()) HOIST_TRY(ReadRegistriesConf(sources.registries_conf, settings));
  for (const auto& dir : sources.registries_conf_dirs) HOIST_TRY(ReadDropIns(dir, settings));
  std::vector<std::string> from_conf;
  for (const auto& s : settings) {  // the last word on a host wins
    std::erase(from_conf, s.host);
    if (s.insecure) from_conf.push_back(s.host);
  }
  std::vector<std::string> result;
  for (auto& e : out) AddUnique(result, std::move(e));
  for (auto& e : from_conf) AddUnique(result, std::move(e));

  std::string_view list = sources.env_list;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) AddUnique(result, std::string(item));
  }
  return result;
}

}  // namespace hoist::registry
