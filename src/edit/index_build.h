#pragma once
// `hoist index create|append`: an OCI image index or Docker manifest list from images in any
// locations (crane index append, regctl index create, docker buildx imagetools create). A single
// image becomes an entry whose platform comes from its config; an index's entries are taken as
// they are. Children of both media-type families are never mixed: they are refused unless a
// --format converts them all (transfer::Copy does the conversion on the way).

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/manifest_convert.h"
#include "edit/edited_image.h"
#include "transfer/image_source.h"

namespace hoist::edit {

// Several sources read as one: each manifest and blob is read from the source it was found in
// (BuildIndex registers them). The top document is the edit's (EditedSource).
class CombinedSource : public transfer::ImageSource {
 public:
  explicit CombinedSource(std::vector<std::unique_ptr<transfer::ImageSource>> parts);
  std::string Describe() const override;
  Result<transfer::ManifestBytes> GetManifest(const std::optional<Digest>& instance) override;
  Result<std::unique_ptr<Reader>> GetBlob(const Descriptor& blob, uint64_t offset) override;
  bool LayersAreCompressed() const override;
  Result<std::vector<Attached>> ListAttached(const Descriptor& subject) override;

  size_t size() const { return parts_.size(); }
  transfer::ImageSource& part(size_t i) { return *parts_[i]; }
  void Register(const Digest& d, size_t part) { owner_.emplace(d, part); }

 private:
  Result<size_t> Owner(const Digest& d) const;
  std::vector<std::unique_ptr<transfer::ImageSource>> parts_;
  std::map<Digest, size_t> owner_;
};

struct IndexBuildOptions {
  bool first_is_base = false;  // index append: part 0 is the index the others are added to
  std::optional<ManifestFormat> format;
  std::map<std::string, std::string> annotations;  // on the index
};

Result<EditedImage> BuildIndex(CombinedSource& parts, const IndexBuildOptions& options);

// The index entries part `part` contributes (one for an image, platform from its config; an
// index's entries), registering each child and its blobs with `parts`.
Result<std::vector<Descriptor>> CollectEntries(CombinedSource& parts, size_t part);

// An index of `entries` (each child once) in one media-type family, as BuildIndex makes it; `base`
// (index append) keeps its other fields and annotations.
Result<EditedImage> MakeIndex(const std::vector<Descriptor>& entries, const std::optional<Index>& base,
                              const IndexBuildOptions& options);

}  // namespace hoist::edit
