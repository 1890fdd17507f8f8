#pragma once
// An OCI image layout (the store, or oci:DIR) as a source: blobs are files, read from any offset.

#include <memory>

#include "store/oci_layout.h"
#include "transfer/image_source.h"
#include "transfer/layout_names.h"

namespace hoist::transfer {

class LayoutSource : public ImageSource {
 public:
  // `top`: the manifest or index the location names; `what`: the location for messages.
  LayoutSource(std::shared_ptr<store::OciLayout> layout, Descriptor top, LayoutNames names, std::string what)
      : layout_(std::move(layout)), top_(std::move(top)), names_(std::move(names)), what_(std::move(what)) {}

  std::string Describe() const override { return what_; }
  Result<ManifestBytes> GetManifest(const std::optional<Digest>& instance) override;
  Result<std::unique_ptr<Reader>> GetBlob(const Descriptor& blob, uint64_t offset) override;
  Result<std::vector<std::string>> ListTags() override { return ListLayoutTags(*layout_, names_); }
  Result<std::vector<Attached>> ListAttached(const Descriptor& subject) override;

 private:
  std::shared_ptr<store::OciLayout> layout_;
  Descriptor top_;
  LayoutNames names_;
  std::string what_;
};

}  // namespace hoist::transfer
