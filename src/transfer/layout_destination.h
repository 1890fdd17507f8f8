#pragma once
// An OCI image layout (the store, or oci:DIR) as a destination. Blobs stream into
// .hoist/partial/ and become visible only once verified, so an interrupted pull continues from
// the bytes already kept (by Range, when the source can seek). Names are written to index.json
// at Commit(), all at once; a destination dropped before Commit() names nothing. In oci:DIR an
// image put without a name gets an index.json entry without ref.name (as skopeo).

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "store/oci_layout.h"
#include "transfer/image_destination.h"
#include "transfer/layout_names.h"

namespace hoist::transfer {

class LayoutDestination : public ImageDestination {
 public:
  static Result<std::unique_ptr<LayoutDestination>> Open(std::shared_ptr<store::OciLayout> layout,
                                                         LayoutNames names, std::string what);

  std::string Describe() const override { return what_; }
  Result<Reuse> TryReuseBlob(const Descriptor& blob) override;
  Status PutBlob(Reader& content, const Descriptor& blob) override;
  Status PutBlobFrom(const BlobOpener& open, const Descriptor& blob) override;
  Status PutManifest(const ManifestBytes& manifest, const std::string& tag) override;
  Status Commit() override;

 private:
  LayoutDestination(std::shared_ptr<store::OciLayout> layout, LayoutNames names, std::string what,
                    store::OciLayout::WriteLease lease)
      : layout_(std::move(layout)), names_(std::move(names)), what_(std::move(what)), lease_(std::move(lease)) {}

  std::shared_ptr<store::OciLayout> layout_;
  LayoutNames names_;
  std::string what_;
  std::optional<store::OciLayout::WriteLease> lease_;
  std::vector<std::pair<std::string, Descriptor>> names_to_set_;
  UnnamedRoots unnamed_;  // oci:DIR only: the store names every image
};

}  // namespace hoist::transfer
