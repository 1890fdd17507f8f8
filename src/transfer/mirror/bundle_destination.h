#pragma once
// One image's view of the bundle's OCI layout: names are prefixed with the destination repository
// ("library/alpine:3.19", "library/alpine:sha256-….sig") so images of many repositories share one
// index.json; blobs the other side already has (--since) are reported present and not written;
// every blob and manifest is recorded for the catalog.

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "transfer/image_destination.h"
#include "transfer/mirror/catalog.h"

namespace hoist::transfer::mirror {

class BundleDestination : public ImageDestination {
 public:
  BundleDestination(std::unique_ptr<ImageDestination> inner, std::string repository,
                    const std::set<std::string>& known_blobs)
      : inner_(std::move(inner)), repository_(std::move(repository)), known_(known_blobs) {}

  std::string Describe() const override { return inner_->Describe() + " (" + repository_ + ")"; }
  Result<Reuse> TryReuseBlob(const Descriptor& blob) override;
  Status PutBlob(Reader& content, const Descriptor& blob) override { return inner_->PutBlob(content, blob); }
  Status PutBlobFrom(const BlobOpener& open, const Descriptor& blob) override { return inner_->PutBlobFrom(open, blob); }
  Status PutManifest(const ManifestBytes& manifest, const std::string& tag) override;
  Status Commit() override { return inner_->Commit(); }

  // What was written, for the catalog.
  std::vector<Descriptor> blobs() const;
  const std::vector<CatalogManifest>& manifests() const { return manifests_; }

 private:
  std::unique_ptr<ImageDestination> inner_;
  std::string repository_;
  const std::set<std::string>& known_;
  mutable std::mutex mu_;
  std::vector<Descriptor> blobs_;
  std::vector<CatalogManifest> manifests_;
};

}  // namespace hoist::transfer::mirror
