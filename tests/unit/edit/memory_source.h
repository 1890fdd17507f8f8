#pragma once
// An in-memory ImageSource for the edit tests: documents and blobs by digest.

#include <map>
#include <memory>
#include <string>

#include "core/descriptor.h"
#include "core/image_config.h"
#include "core/io.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "transfer/image_source.h"

namespace hoist::edit_test {

class MemorySource : public transfer::ImageSource {
 public:
  std::string Describe() const override { return "memory"; }
  Result<transfer::ManifestBytes> GetManifest(const std::optional<Digest>& instance) override {
    auto it = docs.find(instance ? *instance : top);
    if (it == docs.end()) return NotFound("no manifest " + (instance ? *instance : top).str());
    return it->second;
  }
  Result<std::unique_ptr<Reader>> GetBlob(const Descriptor& d, uint64_t offset) override {
    auto it = blobs.find(d.digest);
    if (it == blobs.end()) return NotFound("no blob " + d.digest.str());
    return std::unique_ptr<Reader>(std::make_unique<StringReader>(it->second.substr(offset)));
  }
  Result<std::vector<Attached>> ListAttached(const Descriptor& subject) override {
    if (subject.digest == top) return std::vector<Attached>{{"sig", Descriptor::For("x", "sig")}};
    return std::vector<Attached>{};
  }

  Descriptor PutDoc(const std::string& raw, const std::string& media_type) {
    Descriptor d = Descriptor::For(media_type, raw);
    docs[d.digest] = transfer::ManifestBytes{raw, media_type};
    return d;
  }
  Descriptor PutBlob(const std::string& raw, const std::string& media_type) {
    Descriptor d = Descriptor::For(media_type, raw);
    blobs[d.digest] = raw;
    return d;
  }
  // A one-layer image for `arch`, with a label and history so edits have something to keep.
  Descriptor PutImage(const std::string& arch) {
    std::string config = R"({"architecture":")" + arch +
                         R"(","os":"linux","config":{"Env":["PATH=/bin","A=1"],"Labels":{"keep":"me"},)"
                         R"("Healthcheck":{"Test":["NONE"]}},"rootfs":{"type":"layers","diff_ids":[")" +
                         Digest::Of("tar-" + arch).str() +
                         R"("]},"history":[{"created_by":"ADD x"}],"x-unknown":1})";
    Descriptor c = PutBlob(config, std::string(kOciConfig));
    Descriptor layer = PutBlob("layer-" + arch, std::string(kOciLayerGzip));
    Manifest m(std::string(kOciManifest), c, {layer});
    return PutDoc(m.raw(), std::string(kOciManifest));
  }

  Digest top = Digest::Of("");
  std::map<Digest, transfer::ManifestBytes> docs;
  std::map<Digest, std::string> blobs;
};

}  // namespace hoist::edit_test
