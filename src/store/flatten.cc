#include "store/flatten.h"

#include <optional>
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

// Reads `r` to its end (a LayerReader verifies there); the first error, if any.
Status Drain(Reader& r) {
  char buf[16384];
  for (;;) {
    HOIST_TRY_ASSIGN(size_t n, r.Read(buf, sizeof buf));
    if (n == 0) return Ok();
  }
}

// Owns the raw blob reader under its decompressor and checks, at the end, the blob's digest and
// size and the uncompressed stream's diff_id. A decompression error is first checked against the
// digest: a corrupt blob is reported as the digest mismatch it is, not as bad gzip.
class LayerReader : public Reader {
 public:
  LayerReader(std::unique_ptr<Reader> raw, Descriptor layer, Compression c, std::optional<Digest> diff_id)
      : raw_(std::move(raw)),
        layer_(std::move(layer)),
        diff_id_(std::move(diff_id)),
        digesting_(*raw_, layer_.digest.algorithm()),
        plain_(Decompress(digesting_, c)),
        plain_digest_(*plain_, diff_id_ ? diff_id_->algorithm() : DigestAlgorithm::kSha256) {}

  Result<size_t> Read(char* buf, size_t n) override {
    auto k = plain_digest_.Read(buf, n);
    if (!k.ok()) return Explain(std::move(k).error());
    if (*k == 0 && !verified_) {
      // The decompressor may stop before the blob's last bytes: drain so the digest covers them.
      HOIST_TRY(Drain(digesting_));
      verified_ = true;
      HOIST_TRY(digesting_.Verify(layer_.digest, layer_.size));
      Digest plain = plain_digest_.Finish();
      if (diff_id_ && plain != *diff_id_) {
        return DigestMismatch("layer " + layer_.digest.str() + ": uncompressed content is " + plain.str() +
                              " but the config's diff_id is " + diff_id_->str());
      }
    }
    return k;
  }

 private:
  // The digest mismatch behind a decompression error, when there is one; else the error itself.
  Error Explain(Error e) {
    if (verified_ || e.code() == ErrorCode::kDigestMismatch) return e;
    verified_ = true;
    if (!Drain(digesting_).ok()) return e;
    auto v = digesting_.Verify(layer_.digest, layer_.size);
    return v.ok() ? std::move(e) : std::move(v).error();
  }

  std::unique_ptr<Reader> raw_;
  Descriptor layer_;
  std::optional<Digest> diff_id_;
  DigestingReader digesting_;
  std::unique_ptr<Reader> plain_;
  DigestingReader plain_digest_;
  bool verified_ = false;
};

// A layer's tar did not parse: if the layer's content is not what its digest says, that is the
// error to report (exit 5, as unpack and push do), not the parse error it caused.
Error ExplainTarError(Reader& layer, Error e) {
  if (e.code() == ErrorCode::kDigestMismatch) return e;
  auto drained = Drain(layer);
  if (!drained.ok() && drained.error().code() == ErrorCode::kDigestMismatch) return std::move(drained).error();
  return e;
}

Status WriteEntry(TarWriter& w, TarEntry e, const std::string& path, Reader* data) {
  e.path = e.type == TarEntryType::kDirectory ? path + "/" : path;
  return w.WriteEntry(e, data);
}

}  // namespace

Result<std::unique_ptr<Reader>> OpenLayerTar(const OciLayout& layout, const Descriptor& layer,
                                             std::optional<Digest> diff_id) {
  HOIST_TRY_ASSIGN(auto raw, layout.OpenBlob(layer.digest));
  return LayerTarFrom(std::move(raw), layer, std::move(diff_id));
}

Result<std::unique_ptr<Reader>> LayerTarFrom(std::unique_ptr<Reader> raw, const Descriptor& layer,
                                             std::optional<Digest> diff_id) {
  auto c = LayerCompressionOf(layer.media_type);
  if (!c) return Unsupported("layer " + layer.digest.str() + " has media type " + layer.media_type + ", not a tar layer");
  return std::unique_ptr<Reader>(new LayerReader(std::move(raw), layer, *c, std::move(diff_id)));
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
      if (!next.ok()) return ExplainTarError(*in, std::move(next).error()).WithContext(what);
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
    // Past the end-of-archive marker: read on, so the layer's digest and diff_id are checked
    // before the export can succeed.
    auto rest = Drain(*in);
    if (!rest.ok()) return std::move(rest).error().WithContext(what);
    upper.Merge(layer);
  }
  for (auto& [e, p] : pending_links) {
    if (upper.written.count(e.link_target)) HOIST_TRY(WriteEntry(writer, e, p, nullptr));
  }
  return writer.Close();
}

}  // namespace hoist::store
