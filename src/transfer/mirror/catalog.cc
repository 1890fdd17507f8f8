#include "transfer/mirror/catalog.h"

#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "core/json_parse.h"

namespace hoist::transfer::mirror {

using nlohmann::json;

namespace {

json Desc(const Descriptor& d) { return {{"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}}; }

Result<Descriptor> ReadDesc(const json& j, const std::string& what) {
  if (!j.is_object() || !j.contains("digest") || !j["digest"].is_string() || !j.contains("size") ||
      !j["size"].is_number_integer() || !j.value("mediaType", json()).is_string()) {
    return ParseError("catalog: " + what + ": expected {mediaType, digest, size}");
  }
  Descriptor d;
  d.media_type = j["mediaType"].get<std::string>();
  auto digest = Digest::Parse(j["digest"].get<std::string>());
  if (!digest.ok()) return ParseError("catalog: " + what + ": " + digest.error().message());
  d.digest = *digest;
  d.size = j["size"].get<int64_t>();
  if (d.size < 0) return ParseError("catalog: " + what + ": negative size");
  return d;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::map<std::string, std::string> Catalog::AllImages() const {
  auto all = known_images;
  for (const auto& im : images) all[im.name] = im.top.digest.str();
  return all;
}

std::set<std::string> Catalog::AllBlobs() const {
  auto all = known_blobs;
  for (const auto& im : images) {
    for (const auto& b : im.blobs) all.insert(b.digest.str());
  }
  return all;
}

std::string CatalogToJson(const Catalog& c) {
  json images = json::array();
  for (const auto& im : c.images) {
    json manifests = json::array(), blobs = json::array();
    for (const auto& m : im.manifests) {
      json d = Desc(m.descriptor);
      d["tag"] = m.tag;
      manifests.push_back(std::move(d));
    }
    for (const auto& b : im.blobs) blobs.push_back(Desc(b));
    images.push_back({{"name", im.name}, {"repository", im.repository}, {"tag", im.tag}, {"source", im.source},
                      {"digest", im.top.digest.str()}, {"top", Desc(im.top)}, {"manifests", manifests},
                      {"blobs", blobs}});
  }
  json out = {{"hoistBundle", 1}, {"images", images}, {"known", {{"images", c.known_images}, {"blobs", c.known_blobs}}}};
  return DumpJson(out, 1) + "\n";
}

Result<Catalog> ParseCatalog(std::string_view text) {
  auto parsed = ParseJson(text);
  if (!parsed.ok()) return ParseError("hoist bundle catalog: " + parsed.error().message());
  json& j = *parsed;
  if (!j.is_object() || j.value("hoistBundle", 0) != 1 || !j.contains("images") || !j["images"].is_array()) {
    return ParseError("not a hoist bundle catalog (expected {\"hoistBundle\": 1, \"images\": [...]})");
  }
  Catalog c;
  for (const auto& im : j["images"]) {
    if (!im.is_object()) return ParseError("catalog: an image entry is not an object");
    CatalogImage out;
    out.name = Str(im, "name");
    out.repository = Str(im, "repository");
    out.tag = Str(im, "tag");
    out.source = Str(im, "source");
    if (out.name.empty() || out.repository.empty()) return ParseError("catalog: an image has no name or repository");
    HOIST_TRY_ASSIGN(out.top, ReadDesc(im.value("top", json()), out.name + ": top"));
    if (!im.contains("manifests") || !im["manifests"].is_array() || !im.contains("blobs") || !im["blobs"].is_array()) {
      return ParseError("catalog: " + out.name + ": manifests and blobs must be lists");
    }
    for (const auto& m : im["manifests"]) {
      HOIST_TRY_ASSIGN(Descriptor d, ReadDesc(m, out.name + ": manifest"));
      out.manifests.push_back({d, Str(m, "tag")});
    }
    for (const auto& b : im["blobs"]) {
      HOIST_TRY_ASSIGN(Descriptor d, ReadDesc(b, out.name + ": blob"));
      out.blobs.push_back(d);
    }
    c.images.push_back(std::move(out));
  }
  if (auto k = j.find("known"); k != j.end() && k->is_object()) {
    if (auto ki = k->find("images"); ki != k->end() && ki->is_object()) {
      for (const auto& [name, digest] : ki->items()) {
        if (digest.is_string()) c.known_images[name] = digest.get<std::string>();
      }
    }
    if (auto kb = k->find("blobs"); kb != k->end() && kb->is_array()) {
      for (const auto& d : *kb) {
        if (d.is_string()) c.known_blobs.insert(d.get<std::string>());
      }
    }
  }
  return c;
}

Result<Catalog> LoadCatalog(const std::string& path) {
  auto text = ReadFileToString(path, 256 << 20);
  if (!text.ok()) return std::move(text).error().WithContext("catalog " + path);
  auto c = ParseCatalog(*text);
  if (!c.ok()) return std::move(c).error().WithContext(path);
  return c;
}

}  // namespace hoist::transfer::mirror
