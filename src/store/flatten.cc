#include "store/flatten.h"

#include <set>
#include <string>
#include <vector>

#include "core/compression.h"
#include "core/media_types.h"
#include "core/tar_path.h"
#include "core/tar_reader.h"
#include "core/tar_writer.h"

namespace hoist::store {

namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

std::string Dir(const std::string& p) {
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? std::string() : p.substr(0, slash);
}

std::string Base(const std::string& p) {
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string Join(const std::string& dir, std::string_view name) {
  return dir.empty() ? std::string(name) : dir + "/" + std::string(name);
}

// What the layers above the current one decided.
struct Upper {
  std::set<std::string> written;   // paths already in the output
  std::set<std::string> deleted;   // whiteouts: the path and all below it
  std::set<std::string> opaque;    // directories whose lower content is hidden
  std::set<std::string> nondirs;   // written as something other than a directory

  bool Hides(const std::string& p) const {
    if (written.count(p) || deleted.count(p)) return true;
    for (size_t slash = p.find('/'); slash != std::string::npos; slash = p.find('/', slash + 1)) {
      std::string a = p.substr(0, slash);
      if (deleted.count(a) || opaque.count(a) || nondirs.count(a)) return true;
    }
    return false;
  }
  void Merge(Upper& layer) {
    written.merge(layer.written);
    deleted.merge(layer.deleted);
    opaque.merge(layer.opaque);
    nondirs.merge(layer.nondirs);
  }
};

// Owns the raw blob reader under its decompressor and checks the blob digest at the end.
class LayerReader : public Reader {
 public:
  LayerReader(std::unique_ptr<Reader> raw, Descriptor layer, Compression c)
      : raw_(std::move(raw)), layer_(std::move(layer)), digesting_(*raw_), plain_(Decompress(digesting_, c)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    HOIST_TRY_ASSIGN(size_t k, plain_->Read(buf, n));
    if (k == 0 && !verified_) {
      // The decompressor may stop before the blob's last bytes: drain so the digest covers them.
      char rest[4096];
      for (;;) {
        HOIST_TRY_ASSIGN(size_t r, digesting_.Read(rest, sizeof rest));
        if (r == 0) break;
      }
      verified_ = true;
      HOIST_TRY(digesting_.Verify(layer_.digest, layer_.size));
    }
    return k;
  }

 private:
  std::unique_ptr<Reader> raw_;
  Descriptor layer_;
  DigestingReader digesting_;
  std::unique_ptr<Reader> plain_;
  bool verified_ = false;
};

Status WriteEntry(TarWriter& w, TarEntry e, const std::string& path, Reader* data) {
  e.path = e.type == TarEntryType::kDirectory ? path + "/" : path;
  return w.WriteEntry(e, data);
}

}  // namespace

Result<std::unique_ptr<Reader>> OpenLayerTar(const OciLayout& layout, const Descriptor& layer) {
  auto c = LayerCompressionOf(layer.media_type);
  if (!c) return Unsupported("layer " + layer.digest.str() + " has media type " + layer.media_type + ", not a tar layer");
  HOIST_TRY_ASSIGN(auto raw, layout.OpenBlob(layer.digest));
  return std::unique_ptr<Reader>(new LayerReader(std::move(raw), layer, *c));
}

Status FlattenLayers(size_t layer_count, const LayerTarOpener& open, Writer& out) {
  TarWriter writer(out);
  Upper upper;
  std::vector<std::pair<TarEntry, std::string>> pending_links;  // hardlinks whose target is not written yet
  for (size_t i = layer_count; i-- > 0;) {
    std::string what = "layer " + std::to_string(i);
    HOIST_TRY_ASSIGN(auto in, open(i));
    TarReader tar(*in);
    Upper layer;
    for (;;) {
      auto next = tar.Next();
      if (!next.ok()) return std::move(next).error().WithContext(what);
      if (!*next) break;
      TarEntry& e = **next;
      auto cleaned = CleanLayerEntryPath(e.path);
      if (!cleaned.ok()) return std::move(cleaned).error().WithContext(what + ": entry " + QuotePath(e.path));
      const std::string& p = *cleaned;
      if (p == ".") continue;
      std::string base = Base(p);
      if (base == kOpaqueMarker) {
        layer.opaque.insert(Dir(p));
        continue;
      }
      if (base.rfind(kWhiteoutPrefix, 0) == 0) {
        layer.deleted.insert(Join(Dir(p), std::string_view(base).substr(kWhiteoutPrefix.size())));
        continue;
      }
      if (upper.Hides(p) || layer.written.count(p)) continue;
      layer.written.insert(p);
      if (e.type != TarEntryType::kDirectory) layer.nondirs.insert(p);
      if (e.type == TarEntryType::kHardlink) {
        auto target = CleanLayerEntryPath(e.link_target);
        if (!target.ok()) return std::move(target).error().WithContext(what + ": hardlink " + QuotePath(e.path));
        e.link_target = *target;
        if (!upper.written.count(*target) && !layer.written.count(*target)) {
          pending_links.emplace_back(e, p);
          continue;
        }
      }
      auto st = WriteEntry(writer, e, p, &tar.data());
      if (!st.ok()) return std::move(st).error().WithContext(what);
    }
    upper.Merge(layer);
  }
  for (auto& [e, p] : pending_links) {
    if (upper.written.count(e.link_target)) HOIST_TRY(WriteEntry(writer, e, p, nullptr));
  }
  return writer.Close();
}

}  // namespace hoist::store
