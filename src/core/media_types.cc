#include "core/media_types.h"

namespace hoist {

namespace {
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
}  // namespace

std::string_view BaseMediaType(std::string_view media_type) {
  size_t semi = media_type.find(';');
  std::string_view base = media_type.substr(0, semi);
  constexpr std::string_view kSpace = " \t\r\n";
  size_t first = base.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  size_t last = base.find_last_not_of(kSpace);
  return base.substr(first, last - first + 1);
}

bool IsManifest(std::string_view media_type) {
  auto mt = BaseMediaType(media_type);
  return mt == kOciManifest || mt == kDockerManifest;
}

bool IsIndex(std::string_view media_type) {
  auto mt = BaseMediaType(media_type);
  return mt == kOciIndex || mt == kDockerManifestList;
}

bool IsSchema1(std::string_view media_type) {
  auto mt = BaseMediaType(media_type);
  return mt == kDockerSchema1Manifest || mt == kDockerSchema1SignedManifest;
}

bool IsConfig(std::string_view media_type) {
  auto mt = BaseMediaType(media_type);
  return mt == kOciConfig || mt == kDockerConfig;
}

bool IsForeignLayer(std::string_view media_type) {
  auto mt = BaseMediaType(media_type);
  return mt == kOciForeignLayerTar || mt == kOciForeignLayerGzip || mt == kOciForeignLayerZstd ||
         mt == kDockerForeignLayerGzip;
}

bool IsLayer(std::string_view media_type) {
  auto mt = BaseMediaType(media_type);
  return mt == kOciLayerTar || mt == kOciLayerGzip || mt == kOciLayerZstd || mt == kDockerLayerGzip ||
         mt == kDockerLayerTar || IsForeignLayer(mt);
}

bool IsDocker(std::string_view media_type) {
  return StartsWith(BaseMediaType(media_type), "application/vnd.docker.");
}

bool IsOci(std::string_view media_type) { return StartsWith(BaseMediaType(media_type), "application/vnd.oci."); }

std::optional<Compression> LayerCompressionOf(std::string_view media_type) {
  auto mt = BaseMediaType(media_type);
  if (mt == kOciLayerTar || mt == kOciForeignLayerTar || mt == kDockerLayerTar) return Compression::kNone;
  if (mt == kOciLayerGzip || mt == kOciForeignLayerGzip || mt == kDockerLayerGzip ||
      mt == kDockerForeignLayerGzip) {
    return Compression::kGzip;
  }
  if (mt == kOciLayerZstd || mt == kOciForeignLayerZstd) return Compression::kZstd;
  if (EndsWith(mt, "+gzip") || EndsWith(mt, ".gzip")) return Compression::kGzip;
  if (EndsWith(mt, "+zstd") || EndsWith(mt, ".zstd")) return Compression::kZstd;
  if (EndsWith(mt, ".tar") || EndsWith(mt, "+tar")) return Compression::kNone;
  return std::nullopt;
}

std::string_view OciLayerMediaType(Compression compression) {
  switch (compression) {
    case Compression::kNone: return kOciLayerTar;
    case Compression::kGzip: return kOciLayerGzip;
    case Compression::kZstd: return kOciLayerZstd;
  }
  return kOciLayerTar;
}

}  // namespace hoist
