#include "registry/config/registries_conf.h"

#include "registry/config/toml_subset.h"

namespace hoist::registry {

namespace {

Error At(std::string_view file, const TomlValue& v, const std::string& what) {
  return ParseError(std::string(file) + ":" + std::to_string(v.line) + ": " + what);
}

Result<std::string> StringKey(std::string_view file, const TomlValue& table, std::string_view key,
                              const std::string& where) {
  const TomlValue* v = table.Find(key);
  if (v == nullptr) return std::string();
  if (v->kind != TomlValue::Kind::kString) return At(file, *v, where + " " + std::string(key) + " must be a string");
  return v->text;
}

Status ReadV2(std::string_view file, const TomlValue& registries, std::vector<InsecureSetting>& out) {
  if (registries.kind != TomlValue::Kind::kArray) {
    return At(file, registries, "registry must be a list of [[registry]] tables");
  }
  for (const TomlValue& r : registries.items) {
    if (r.kind != TomlValue::Kind::kTable) return At(file, r, "registry must be a list of [[registry]] tables");
    HOIST_TRY_ASSIGN(std::string location, StringKey(file, r, "location", "[[registry]]"));
    HOIST_TRY_ASSIGN(std::string prefix, StringKey(file, r, "prefix", "[[registry]]"));
    bool insecure = false;
    if (const TomlValue* v = r.Find("insecure")) {
      if (v->kind != TomlValue::Kind::kBool) return At(file, *v, "[[registry]] insecure must be true or false");
      insecure = v->boolean;
    }
    std::string host = prefix.empty() ? location : prefix;
    if (host.empty()) return At(file, r, "a [[registry]] needs a location or a prefix");
    if (host.find('/') != std::string::npos) continue;  // scoped to a namespace: not a per-host setting
    out.push_back({host, insecure});
  }
  return Ok();
}

Status ReadV1(std::string_view file, const TomlValue& registries, std::vector<InsecureSetting>& out) {
  const TomlValue* insecure = registries.Find("insecure");
  if (insecure == nullptr) return Ok();
  const TomlValue* list = insecure->Find("registries");
  if (list == nullptr) return Ok();
  if (list->kind != TomlValue::Kind::kArray) {
    return At(file, *list, "[registries.insecure] registries must be a list of strings");
  }
  for (const TomlValue& h : list->items) {
    if (h.kind != TomlValue::Kind::kString || h.text.empty()) {
      return At(file, h, "[registries.insecure] registries must be a list of non-empty strings");
    }
    if (h.text.find('/') != std::string::npos) continue;  // as in v2: hoist decides TLS per host
    out.push_back({h.text, true});
  }
  return Ok();
}

}  // namespace

Result<std::vector<InsecureSetting>> ParseRegistriesConf(std::string_view text, std::string_view file) {
  if (text.size() > kMaxRegistriesConfSize) {
    return TooLarge(std::string(file) + " is larger than " + std::to_string(kMaxRegistriesConfSize) +
                    " bytes (kMaxRegistriesConfSize)");
  }
  HOIST_TRY_ASSIGN(TomlValue root, ParseToml(text, file));
  std::vector<InsecureSetting> out;
  if (const TomlValue* v1 = root.Find("registries")) {
    if (v1->kind != TomlValue::Kind::kTable) return At(file, *v1, "registries must be a table");
    HOIST_TRY(ReadV1(file, *v1, out));
  }
  if (const TomlValue* v2 = root.Find("registry")) HOIST_TRY(ReadV2(file, *v2, out));
  return out;
}

}  // namespace hoist::registry
