#include "edit/manifest_list.h"

#include <cerrno>
#include <unistd.h>

#include "core/fs.h"
#include "core/json_parse.h"

namespace hoist::edit {

using Json = nlohmann::ordered_json;

Descriptor* ManifestList::Find(const Digest& digest) {
  for (auto& e : entries) {
    if (e.digest == digest) return &e;
  }
  return nullptr;
}

std::string ManifestListStore::PathOf(const std::string& name) const {
  return dir_ + "/" + Digest::Of(name).hex() + ".json";
}

Result<ManifestList> ParseManifestListFile(std::string_view text) {
  auto doc = ParseOrderedJson(text);
  auto bad = [](const std::string& why) { return ParseError(why); };
  if (!doc.ok() || !doc->is_object()) return bad("not a JSON object");
  ManifestList list;
  const Json& j = *doc;
  if (!j.contains("name") || !j["name"].is_string()) return bad("no name");
  list.name = j["name"].get<std::string>();
  if (j.contains("manifests") && j["manifests"].is_array()) {
    for (size_t i = 0; i < j["manifests"].size(); ++i) {
      HOIST_TRY_ASSIGN(Descriptor d, DescriptorFromJson(j["manifests"][i], "manifests[" + std::to_string(i) + "]"));
      list.entries.push_back(std::move(d));
    }
  }
  if (j.contains("annotations") && j["annotations"].is_object()) {
    for (const auto& [k, v] : j["annotations"].items()) {
      if (v.is_string()) list.annotations[k] = v.get<std::string>();
    }
  }
  if (j.contains("sources") && j["sources"].is_object()) {
    for (const auto& [k, v] : j["sources"].items()) {
      auto d = Digest::Parse(k);
      if (!d.ok() || !v.is_string()) return bad("bad source entry " + k);
      list.sources[*d] = v.get<std::string>();
    }
  }
  return list;
}

std::string RenderManifestListFile(const ManifestList& list) {
  Json j = {{"name", list.name}};
  j["manifests"] = Json::array();
  for (const auto& e : list.entries) j["manifests"].push_back(ToJson(e));
  j["annotations"] = Json::object();
  for (const auto& [k, v] : list.annotations) j["annotations"][k] = v;
  j["sources"] = Json::object();
  for (const auto& [d, l] : list.sources) j["sources"][d.str()] = l;
  return DumpJson(j, 2);
}

Result<std::optional<ManifestList>> ManifestListStore::Load(const std::string& name) const {
  const std::string path = PathOf(name);
  if (::access(path.c_str(), F_OK) != 0) return std::optional<ManifestList>();
  HOIST_TRY_ASSIGN(std::string text, ReadFileToString(path, kMaxManifestListFile));
  auto list = ParseManifestListFile(text);
  if (!list.ok()) return ParseError("manifest list file " + path + ": " + list.error().message());
  return std::optional<ManifestList>(std::move(list).value());
}

Status ManifestListStore::Save(const ManifestList& list) const {
  HOIST_TRY(MakeDirs(dir_, 0700));
  return AtomicWriteFile(PathOf(list.name), RenderManifestListFile(list), 0600);
}

Status ManifestListStore::Remove(const std::string& name) const {
  if (::unlink(PathOf(name).c_str()) != 0 && errno != ENOENT) return ErrnoError("remove " + PathOf(name), errno);
  return Ok();
}

}  // namespace hoist::edit
