#include "core/spec_json.h"

#include <limits>

#include "core/json_parse.h"

namespace hoist {

namespace spec_json {

// One depth limit for every JSON hoist reads (json_parse.h); this header keeps its own name for it.
static_assert(kMaxDepth == kJsonMaxDepth);

// json_parse.h's entry, with duplicate keys refused.
Result<Json> Parse(std::string_view raw) {
  JsonParseOptions options;
  options.reject_duplicate_keys = true;
  return ParseOrderedJson(raw, options);
}

std::string Join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

std::string Item(std::string_view path, size_t i) { return std::string(path) + "[" + std::to_string(i) + "]"; }

Error FieldError(std::string_view path, std::string_view problem) {
  return ParseError(std::string(path) + ": " + std::string(problem));
}

std::string TypeName(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a fractional number";
    default: return "an unexpected value";
  }
}

Error Prefixed(const Error& e, std::string_view prefix) {
  Error out(e.code(), std::string(prefix) + ": " + e.message());
  for (auto it = e.context().rbegin(); it != e.context().rend(); ++it) out.WithContext(*it);
  return out;
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string out = "\"";
  for (char c : s.substr(0, kMax)) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (s.size() > kMax) out += "…";
  out += '"';
  return out;
}

const Json* Find(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(std::string(key));
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

bool Has(const Json& obj, std::string_view key) { return obj.is_object() && obj.contains(std::string(key)); }

namespace {
Error Missing(std::string_view path, std::string_view key) { return FieldError(Join(path, key), "missing"); }
Error WrongType(std::string_view path, std::string_view key, std::string_view want, const Json& got) {
  return FieldError(Join(path, key), "must be " + std::string(want) + ", got " + TypeName(got));
}
}  // namespace

Result<std::string> GetString(const Json& obj, std::string_view key, std::string_view path, bool required) {
  const Json* v = Find(obj, key);
  if (v == nullptr) {
    if (required) return Missing(path, key);
    return std::string();
  }
  if (!v->is_string()) return WrongType(path, key, "a string", *v);
  return v->get_ref<const std::string&>();
}

Result<std::vector<std::string>> GetStringArray(const Json& obj, std::string_view key, std::string_view path) {
  std::vector<std::string> out;
  const Json* v = Find(obj, key);
  if (v == nullptr) return out;
  if (!v->is_array()) return WrongType(path, key, "an array of strings", *v);
  out.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& e = (*v)[i];
    if (!e.is_string()) return FieldError(Item(Join(path, key), i), "must be a string, got " + TypeName(e));
    out.push_back(e.get_ref<const std::string&>());
  }
  return out;
}

Result<std::map<std::string, std::string>> GetStringMap(const Json& obj, std::string_view key,
                                                         std::string_view path) {
  std::map<std::string, std::string> out;
  const Json* v = Find(obj, key);
  if (v == nullptr) return out;
  if (!v->is_object()) return WrongType(path, key, "an object of strings", *v);
  for (const auto& [k, e] : v->items()) {
    if (!e.is_string()) {
      return FieldError(Join(Join(path, key), Quote(k)), "must be a string, got " + TypeName(e));
    }
    out.emplace(k, e.get_ref<const std::string&>());
  }
  return out;
}

Result<int64_t> GetNonNegative(const Json& obj, std::string_view key, std::string_view path, bool required) {
  const Json* v = Find(obj, key);
  if (v == nullptr) {
    if (required) return Missing(path, key);
    return int64_t{0};
  }
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return FieldError(Join(path, key), "is too large (" + std::to_string(u) + ")");
    }
    return static_cast<int64_t>(u);
  }
  if (v->is_number_integer()) {  // nlohmann stores only negative integers here
    int64_t i = v->get<int64_t>();
    if (i < 0) return FieldError(Join(path, key), "must not be negative, got " + std::to_string(i));
    return i;
  }
  return WrongType(path, key, "a non-negative integer", *v);
}

Result<const Json*> GetObject(const Json& obj, std::string_view key, std::string_view path, bool required) {
  const Json* v = Find(obj, key);
  if (v == nullptr) {
    if (required) return Missing(path, key);
    return v;
  }
  if (!v->is_object()) return WrongType(path, key, "an object", *v);
  return v;
}

Result<const Json*> GetArray(const Json& obj, std::string_view key, std::string_view path, bool required) {
  const Json* v = Find(obj, key);
  if (v == nullptr) {
    if (required) return Missing(path, key);
    return v;
  }
  if (!v->is_array()) return WrongType(path, key, "an array", *v);
  return v;
}

void ClearField(Json& obj, const std::string& key) {
  auto it = obj.find(key);
  if (it == obj.end()) return;
  bool empty = it->is_null() || (it->is_string() && it->get_ref<const std::string&>().empty()) ||
               ((it->is_array() || it->is_object()) && it->empty());
  if (!empty) obj.erase(it);
}

void SetOrErase(Json& obj, const std::string& key, const std::string& value) {
  if (value.empty()) {
    ClearField(obj, key);
  } else {
    obj[key] = value;
  }
}

void SetOrErase(Json& obj, const std::string& key, const std::map<std::string, std::string>& value) {
  if (value.empty()) {
    ClearField(obj, key);
    return;
  }
  Json m = Json::object();
  for (const auto& [k, v] : value) m[k] = v;
  obj[key] = std::move(m);
}

void SetOrErase(Json& obj, const std::string& key, const std::vector<std::string>& value) {
  if (value.empty()) {
    ClearField(obj, key);
  } else {
    obj[key] = value;
  }
}

Json KeepOrder(const Json& old, Json fresh) {
  if (!old.is_object() || !fresh.is_object()) return fresh;
  Json out = Json::object();
  for (const auto& [k, v] : old.items()) {
    auto it = fresh.find(k);
    if (it != fresh.end()) {
      out[k] = std::move(*it);
    } else if (v.is_null()) {
      out[k] = nullptr;
    }
  }
  for (auto& [k, v] : fresh.items()) {
    if (!out.contains(k)) out[k] = std::move(v);
  }
  return out;
}

std::string Dump(const Json& j) { return DumpJson(j); }

}  // namespace spec_json

JsonDocument::JsonDocument() : doc_(nlohmann::ordered_json::object()), digest_(Digest::Of("")) { Render(); }

void JsonDocument::Adopt(std::string raw, nlohmann::ordered_json doc) {
  raw_ = std::move(raw);
  doc_ = std::move(doc);
  digest_ = Digest::Of(raw_);
}

void JsonDocument::Render() {
  raw_ = spec_json::Dump(doc_);
  digest_ = Digest::Of(raw_);
}

}  // namespace hoist
