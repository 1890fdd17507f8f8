#include "edit/edited_image.h"

#include <algorithm>

#include "core/io.h"

namespace hoist::edit {

namespace {

constexpr size_t kSkipBufferSize = 1 << 16;

class OverlaySource : public transfer::ImageSource {
 public:
  OverlaySource(transfer::ImageSource& original, const EditedImage& edit) : original_(original), edit_(edit) {}

  std::string Describe() const override { return original_.Describe(); }

  Result<transfer::ManifestBytes> GetManifest(const std::optional<Digest>& instance) override {
    const Digest& d = instance ? *instance : edit_.top.digest;
    auto it = edit_.manifests.find(d);
    if (it != edit_.manifests.end()) return it->second;
    return original_.GetManifest(instance);
  }

  Result<std::unique_ptr<Reader>> GetBlob(const Descriptor& blob, uint64_t offset) override {
    if (auto it = edit_.blobs.find(blob.digest); it != edit_.blobs.end()) {
      if (offset > it->second.size()) return IOError("blob " + blob.digest.str() + " is shorter than the offset asked");
      return std::unique_ptr<Reader>(std::make_unique<StringReader>(it->second.substr(offset)));
    }
    if (auto other = edit_.elsewhere.find(blob.digest); other != edit_.elsewhere.end()) {
      return other->second->GetBlob(blob, offset);
    }
    auto it = edit_.files.find(blob.digest);
    if (it == edit_.files.end()) return original_.GetBlob(blob, offset);
    HOIST_TRY_ASSIGN(auto file, FdReader::Open(it->second));
    std::unique_ptr<Reader> reader = std::move(file);
    ByteBuffer skip(kSkipBufferSize);
    for (uint64_t left = offset; left > 0;) {  // only a resumed upload asks for an offset
      HOIST_TRY_ASSIGN(size_t n, reader->Read(skip.data(), std::min<uint64_t>(left, skip.size())));
      if (n == 0) return IOError("layer " + blob.digest.str() + " is shorter than the offset asked");
      left -= n;
    }
    return reader;
  }

  bool LayersAreCompressed() const override { return original_.LayersAreCompressed(); }

  Result<std::vector<std::string>> ListTags() override { return original_.ListTags(); }

  Result<std::vector<Attached>> ListAttached(const Descriptor& subject) override {
    if (edit_.manifests.count(subject.digest)) return std::vector<Attached>{};
    return original_.ListAttached(subject);
  }

 private:
  transfer::ImageSource& original_;
  const EditedImage& edit_;
};

}  // namespace

Descriptor EditedImage::AddManifest(std::string bytes, const std::string& media_type) {
  Descriptor d = Descriptor::For(media_type, bytes);
  manifests[d.digest] = transfer::ManifestBytes{std::move(bytes), media_type};
  return d;
}

Descriptor EditedImage::AddBlob(std::string bytes, const std::string& media_type) {
  Descriptor d = Descriptor::For(media_type, bytes);
  blobs[d.digest] = std::move(bytes);
  return d;
}

std::unique_ptr<transfer::ImageSource> EditedSource(transfer::ImageSource& original, const EditedImage& edit) {
  return std::make_unique<OverlaySource>(original, edit);
}

}  // namespace hoist::edit
