#include "store/index_file.h"

#include "core/fs.h"
#include "core/media_types.h"

namespace hoist::store {

using spec_json::Json;

std::string EmptyIndexFile() {
  Json doc = Json::object();
  doc["schemaVersion"] = 2;
  doc["mediaType"] = std::string(kOciIndex);
  doc["manifests"] = Json::array();
  return spec_json::Dump(doc);
}

Result<IndexFile> ParseIndexFile(std::string_view raw, const std::string& path) {
  auto invalid = [&](const std::string& why) {
    return ParseError(path + " is not a valid OCI index: " + why +
                      " (the store's list of images is damaged; restore it or remove the file)");
  };
  auto doc = spec_json::Parse(raw);
  if (!doc.ok()) return invalid(doc.error().message());
  if (!doc->is_object()) return invalid("expected a JSON object, got " + spec_json::TypeName(*doc));
  const Json* version = spec_json::Find(*doc, "schemaVersion");
  if (!version || !version->is_number_integer() || version->get<int64_t>() != 2) {
    return invalid("schemaVersion must be 2");
  }
  if (const Json* mt = spec_json::Find(*doc, "mediaType")) {
    if (!mt->is_string() || !IsIndex(mt->get<std::string>())) return invalid("mediaType is not an index type");
  }
  IndexFile f;
  auto list = spec_json::GetArray(*doc, "manifests", "", /*required=*/false);
  if (!list.ok()) return invalid(list.error().message());
  if (*list) {
    f.manifests.reserve((*list)->size());
    for (size_t i = 0; i < (*list)->size(); ++i) {
      auto d = DescriptorFromJson((**list)[i], spec_json::Item("manifests", i));
      if (!d.ok()) return invalid(d.error().message());
      f.manifests.push_back(std::move(d).value());
    }
  }
  f.doc = std::move(doc).value();
  return f;
}

Result<IndexFile> ReadIndexFile(const std::string& path) {
  HOIST_TRY_ASSIGN(std::string raw, ReadFileToString(path, kMaxIndexFileSize));
  return ParseIndexFile(raw, path);
}

std::string RenderIndexFile(const IndexFile& f) {
  Json doc = f.doc.is_object() ? f.doc : Json::object();
  if (!doc.contains("schemaVersion")) doc["schemaVersion"] = 2;
  Json list = Json::array();
  for (const auto& d : f.manifests) list.push_back(ToJson(d));
  doc["manifests"] = std::move(list);
  return spec_json::Dump(doc);
}

}  // namespace hoist::store
