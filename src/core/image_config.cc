#include "core/image_config.h"

namespace hoist {

using spec_json::Json;

namespace {

constexpr const char* kContainerConfigKeys[] = {"User",   "Env",          "Entrypoint", "Cmd",       "WorkingDir",
                                                "Labels", "ExposedPorts", "Volumes",    "StopSignal"};
constexpr const char* kHistoryKeys[] = {"created", "created_by", "author", "comment", "empty_layer"};

template <size_t N>
bool IsOneOf(const std::string& k, const char* const (&keys)[N]) {
  for (const char* known : keys) {
    if (k == known) return true;
  }
  return false;
}

Json Extra(const Json& obj, bool (*known)(const std::string&)) {
  Json extra = Json::object();
  for (const auto& [k, v] : obj.items()) {
    if (!known(k)) extra[k] = v;
  }
  return extra;
}

// Docker's strslice: an array of strings, or a single string meaning a one-element list.
Result<std::optional<std::vector<std::string>>> GetCommand(const Json& obj, const char* key, std::string_view path) {
  const Json* v = spec_json::Find(obj, key);
  if (v == nullptr) return std::optional<std::vector<std::string>>();
  if (v->is_string()) return std::optional<std::vector<std::string>>(std::vector{v->get<std::string>()});
  HOIST_TRY_ASSIGN(std::vector<std::string> list, spec_json::GetStringArray(obj, key, path));
  return std::optional<std::vector<std::string>>(std::move(list));
}

// {"80/tcp": {}, …}: only the keys matter.
Result<std::set<std::string>> GetKeySet(const Json& obj, const char* key, std::string_view path) {
  std::set<std::string> out;
  HOIST_TRY_ASSIGN(const Json* v, spec_json::GetObject(obj, key, path, false));
  if (v == nullptr) return out;
  for (const auto& [k, e] : v->items()) out.insert(k);
  return out;
}

Result<ContainerConfig> ContainerConfigFromJson(const Json& j) {
  using namespace spec_json;
  const std::string path = "config";
  ContainerConfig c;
  HOIST_TRY_ASSIGN(c.user, GetString(j, "User", path, false));
  HOIST_TRY_ASSIGN(c.env, GetStringArray(j, "Env", path));
  HOIST_TRY_ASSIGN(c.entrypoint, GetCommand(j, "Entrypoint", path));
  HOIST_TRY_ASSIGN(c.cmd, GetCommand(j, "Cmd", path));
  HOIST_TRY_ASSIGN(c.working_dir, GetString(j, "WorkingDir", path, false));
  HOIST_TRY_ASSIGN(c.labels, GetStringMap(j, "Labels", path));
  HOIST_TRY_ASSIGN(c.exposed_ports, GetKeySet(j, "ExposedPorts", path));
  HOIST_TRY_ASSIGN(c.volumes, GetKeySet(j, "Volumes", path));
  HOIST_TRY_ASSIGN(c.stop_signal, GetString(j, "StopSignal", path, false));
  c.extra = Extra(j, [](const std::string& k) { return IsOneOf(k, kContainerConfigKeys); });
  return c;
}

Json ToJson(const ContainerConfig& c) {
  Json j = Json::object();
  spec_json::SetOrErase(j, "User", c.user);
  spec_json::SetOrErase(j, "Env", c.env);
  if (c.entrypoint) j["Entrypoint"] = *c.entrypoint;
  if (c.cmd) j["Cmd"] = *c.cmd;
  spec_json::SetOrErase(j, "WorkingDir", c.working_dir);
  spec_json::SetOrErase(j, "Labels", c.labels);
  auto key_set = [&](const char* key, const std::set<std::string>& keys) {
    if (keys.empty()) return;
    Json o = Json::object();
    for (const auto& k : keys) o[k] = Json::object();
    j[key] = std::move(o);
  };
  key_set("ExposedPorts", c.exposed_ports);
  key_set("Volumes", c.volumes);
  spec_json::SetOrErase(j, "StopSignal", c.stop_signal);
  if (c.extra.is_object()) {
    for (const auto& [k, v] : c.extra.items()) {
      if (!j.contains(k)) j[k] = v;
    }
  }
  return j;
}

Result<HistoryEntry> HistoryFromJson(const Json& j, const std::string& path) {
  using namespace spec_json;
  if (!j.is_object()) return FieldError(path, "must be an object, got " + TypeName(j));
  HistoryEntry h;
  HOIST_TRY_ASSIGN(h.created, GetString(j, "created", path, false));
  HOIST_TRY_ASSIGN(h.created_by, GetString(j, "created_by", path, false));
  HOIST_TRY_ASSIGN(h.author, GetString(j, "author", path, false));
  HOIST_TRY_ASSIGN(h.comment, GetString(j, "comment", path, false));
  if (const Json* e = Find(j, "empty_layer")) {
    if (!e->is_boolean()) return FieldError(Join(path, "empty_layer"), "must be a boolean, got " + TypeName(*e));
    h.empty_layer = e->get<bool>();
  }
  h.extra = Extra(j, [](const std::string& k) { return IsOneOf(k, kHistoryKeys); });
  return h;
}

Json ToJson(const HistoryEntry& h) {
  Json j = Json::object();
  spec_json::SetOrErase(j, "created", h.created);
  spec_json::SetOrErase(j, "created_by", h.created_by);
  spec_json::SetOrErase(j, "author", h.author);
  spec_json::SetOrErase(j, "comment", h.comment);
  if (h.empty_layer) j["empty_layer"] = true;
  if (h.extra.is_object()) {
    for (const auto& [k, v] : h.extra.items()) {
      if (!j.contains(k)) j[k] = v;
    }
  }
  return j;
}

Status ParseFields(const Json& doc, Platform& platform, std::string& created, std::string& author,
                   std::optional<ContainerConfig>& config, std::vector<Digest>& diff_ids,
                   std::vector<HistoryEntry>& history) {
  using namespace spec_json;
  HOIST_TRY_ASSIGN(platform.architecture, GetString(doc, "architecture", "", true));
  HOIST_TRY_ASSIGN(platform.os, GetString(doc, "os", "", true));
  if (platform.architecture.empty()) return FieldError("architecture", "must not be empty");
  if (platform.os.empty()) return FieldError("os", "must not be empty");
  HOIST_TRY_ASSIGN(platform.variant, GetString(doc, "variant", "", false));
  HOIST_TRY_ASSIGN(platform.os_version, GetString(doc, "os.version", "", false));
  HOIST_TRY_ASSIGN(platform.os_features, GetStringArray(doc, "os.features", ""));
  HOIST_TRY_ASSIGN(created, GetString(doc, "created", "", false));
  HOIST_TRY_ASSIGN(author, GetString(doc, "author", "", false));

  HOIST_TRY_ASSIGN(const Json* cfg, GetObject(doc, "config", "", false));
  if (cfg != nullptr) {
    HOIST_TRY_ASSIGN(config, ContainerConfigFromJson(*cfg));
  }

  HOIST_TRY_ASSIGN(const Json* rootfs, GetObject(doc, "rootfs", "", true));
  HOIST_TRY_ASSIGN(std::string type, GetString(*rootfs, "type", "rootfs", true));
  if (type != "layers") return FieldError("rootfs.type", "must be \"layers\", got " + Quote(type));
  HOIST_TRY_ASSIGN(std::vector<std::string> ids, GetStringArray(*rootfs, "diff_ids", "rootfs"));
  for (size_t i = 0; i < ids.size(); ++i) {
    auto d = Digest::Parse(ids[i]);
    if (!d.ok()) return FieldError(Item("rootfs.diff_ids", i), d.error().message());
    diff_ids.push_back(*d);
  }

  HOIST_TRY_ASSIGN(const Json* hist, GetArray(doc, "history", "", false));
  if (hist != nullptr) {
    for (size_t i = 0; i < hist->size(); ++i) {
      HOIST_TRY_ASSIGN(HistoryEntry h, HistoryFromJson((*hist)[i], Item("history", i)));
      history.push_back(std::move(h));
    }
  }
  return Ok();
}

}  // namespace

ImageConfig::ImageConfig(const Platform& platform) {
  mutable_json() = Json::object();
  set_platform(platform);  // first, so the platform keys lead as in Docker's configs
  Json& doc = mutable_json();
  doc["config"] = Json::object();
  doc["rootfs"] = Json{{"type", "layers"}, {"diff_ids", Json::array()}};
  config_ = ContainerConfig{};
  Render();
}

Result<ImageConfig> ImageConfig::Parse(std::string raw) {
  constexpr std::string_view kWhat = "image config";
  if (raw.size() > kMaxConfigSize) {
    return TooLarge(std::string(kWhat) + " is " + std::to_string(raw.size()) + " bytes, over the " +
                    std::to_string(kMaxConfigSize) + "-byte limit");
  }
  auto doc = spec_json::Parse(raw);
  if (!doc.ok()) return spec_json::Prefixed(doc.error(), kWhat);
  if (!doc->is_object()) {
    return ParseError(std::string(kWhat) + ": expected a JSON object, got " + spec_json::TypeName(*doc));
  }
  ImageConfig c;
  Status st = ParseFields(*doc, c.platform_, c.created_, c.author_, c.config_, c.diff_ids_, c.history_);
  if (!st.ok()) return spec_json::Prefixed(st.error(), kWhat);
  c.Adopt(std::move(raw), std::move(doc).value());
  return c;
}

Status ImageConfig::CheckLayers(size_t manifest_layer_count) const {
  if (diff_ids_.size() == manifest_layer_count) return Ok();
  return ParseError("image config lists " + std::to_string(diff_ids_.size()) +
                    " layer diff_ids but the manifest has " + std::to_string(manifest_layer_count) + " layers");
}

void ImageConfig::set_platform(const Platform& platform) {
  platform_ = platform;
  Json& doc = mutable_json();
  doc["architecture"] = platform_.architecture;
  doc["os"] = platform_.os;
  spec_json::SetOrErase(doc, "variant", platform_.variant);
  spec_json::SetOrErase(doc, "os.version", platform_.os_version);
  spec_json::SetOrErase(doc, "os.features", platform_.os_features);
  Render();
}

void ImageConfig::set_created(std::string created) {
  created_ = std::move(created);
  spec_json::SetOrErase(mutable_json(), "created", created_);
  Render();
}

void ImageConfig::set_author(std::string author) {
  author_ = std::move(author);
  spec_json::SetOrErase(mutable_json(), "author", author_);
  Render();
}

void ImageConfig::set_config(ContainerConfig config) {
  config_ = std::move(config);
  Json& doc = mutable_json();
  Json old = doc.contains("config") ? doc["config"] : Json();
  doc["config"] = spec_json::KeepOrder(old, ToJson(*config_));
  Render();
}

void ImageConfig::WriteDiffIds() {
  Json ids = Json::array();
  for (const auto& d : diff_ids_) ids.push_back(d.str());
  Json& doc = mutable_json();
  // Parsing guaranteed (and the constructor made) rootfs an object; keep its other keys.
  doc["rootfs"]["diff_ids"] = std::move(ids);
}

void ImageConfig::WriteHistory() {
  Json& doc = mutable_json();
  if (history_.empty()) {
    spec_json::ClearField(doc, "history");
    return;
  }
  Json arr = Json::array();
  for (const auto& h : history_) arr.push_back(ToJson(h));
  doc["history"] = std::move(arr);
}

void ImageConfig::set_diff_ids(std::vector<Digest> diff_ids) {
  diff_ids_ = std::move(diff_ids);
  WriteDiffIds();
  Render();
}

void ImageConfig::set_history(std::vector<HistoryEntry> history) {
  history_ = std::move(history);
  WriteHistory();
  Render();
}

void ImageConfig::AddLayer(const Digest& diff_id, HistoryEntry history) {
  history.empty_layer = false;
  diff_ids_.push_back(diff_id);
  history_.push_back(std::move(history));
  WriteDiffIds();
  WriteHistory();
  Render();
}

void ImageConfig::AddEmptyLayerHistory(HistoryEntry history) {
  history.empty_layer = true;
  history_.push_back(std::move(history));
  WriteHistory();
  Render();
}

}  // namespace hoist
