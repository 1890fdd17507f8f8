#include "store/layer_sizes.h"

#include <filesystem>
#include <vector>

#include "core/compression.h"
#include "core/fs.h"
#include "core/json_parse.h"
#include "core/media_types.h"

namespace hoist::store {

namespace {

constexpr uint64_t kMaxCacheFileSize = 32 * 1024 * 1024;

std::map<std::string, int64_t> ReadCache(const std::string& path) {
  std::map<std::string, int64_t> out;
  auto text = ReadFileToString(path, kMaxCacheFileSize);
  if (!text.ok()) return out;
  auto doc = ParseJson(*text);
  if (!doc.ok() || !doc->is_object()) return out;  // a damaged cache is rebuilt
  for (const auto& [digest, size] : doc->items()) {
    if (!size.is_number_unsigned() || !Digest::Parse(digest).ok()) continue;
    out[digest] = size.get<int64_t>();
  }
  return out;
}

Status WriteMerged(const std::string& path, const std::map<std::string, int64_t>& more) {
  std::map<std::string, int64_t> all = ReadCache(path);
  for (const auto& [d, n] : more) all[d] = n;
  if (all.size() > kMaxLayerSizeEntries) {  // keep the newest learnt, drop the rest
    all = more;
    if (all.size() > kMaxLayerSizeEntries) return Ok();
  }
  nlohmann::json doc = nlohmann::json::object();
  for (const auto& [d, n] : all) doc[d] = n;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  return AtomicWriteFile(path, DumpJson(doc), 0644);
}

}  // namespace

LayerSizes::LayerSizes(const OciLayout& layout)
    : layout_(layout), known_(ReadCache(layout.paths().LayerSizesFile())) {}

Result<int64_t> LayerSizes::Unpacked(const Descriptor& layer) {
  auto compression = LayerCompressionOf(layer.media_type);
  if (compression && *compression == Compression::kNone) return layer.size;
  const std::string key = layer.digest.str();
  if (auto it = known_.find(key); it != known_.end()) return it->second;
  if (!layout_.HasBlob(layer.digest)) return layer.size;  // a foreign layer, or not stored
  HOIST_TRY_ASSIGN(auto blob, layout_.OpenBlob(layer.digest));
  auto plain = compression ? Decompress(*blob, *compression) : DecompressAuto(*blob);
  std::vector<char> buf(256 * 1024);
  uint64_t total = 0;
  for (;;) {
    auto n = plain->Read(buf.data(), buf.size());
    if (!n.ok()) return std::move(n).error().WithContext("reading layer " + layer.digest.str() + " for its size");
    if (*n == 0) break;
    total += *n;
  }
  known_[key] = learnt_[key] = static_cast<int64_t>(total);
  return static_cast<int64_t>(total);
}

Status LayerSizes::Save() {
  if (learnt_.empty()) return Ok();
  Status s = WriteMerged(layout_.paths().LayerSizesFile(), learnt_);
  if (s.ok()) learnt_.clear();
  return s;
}

Status LayerSizes::Record(const OciLayout& layout, const Digest& layer, uint64_t unpacked) {
  return WriteMerged(layout.paths().LayerSizesFile(), {{layer.str(), static_cast<int64_t>(unpacked)}});
}

}  // namespace hoist::store
