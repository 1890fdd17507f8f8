#include "transfer/layout_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "core/attachment_tags.h"
#include "core/manifest.h"
#include "registry/client/repository.h"
#include "transfer/registry_source.h"

namespace hoist::transfer {

Result<ManifestBytes> LayoutSource::GetManifest(const std::optional<Digest>& instance) {
  const Digest& d = instance ? *instance : top_.digest;
  auto bytes = layout_->ReadBlob(d, kMaxManifestSize);
  if (!bytes.ok()) return std::move(bytes).error().WithContext("read manifest " + d.str() + " from " + what_);
  std::string media_type = instance ? "" : top_.media_type;
  if (media_type.empty()) {
    auto parsed = ParseAnyManifest(*bytes);
    if (!parsed.ok()) return std::move(parsed).error().WithContext("manifest " + d.str() + " in " + what_);
    media_type = MediaTypeOf(*parsed);
  }
  return ManifestBytes{std::move(bytes).value(), std::move(media_type)};
}

Result<std::unique_ptr<Reader>> LayoutSource::GetBlob(const Descriptor& blob, uint64_t offset) {
  const std::string path = layout_->paths().Blob(blob.digest);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("blob " + blob.digest.str() + " is not in " + what_);
    return ErrnoError("open " + path, errno);
  }
  if (offset > 0 && ::lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0) {
    int err = errno;
    ::close(fd);
    return ErrnoError("seek " + path, err);
  }
  return std::unique_ptr<Reader>(new FdReader(fd, true));
}

Result<std::vector<ImageSource::Attached>> LayoutSource::ListAttached(const Descriptor& subject) {
  std::vector<Attached> out;
  std::vector<std::string> tags = CosignTags(subject.digest);
  tags.push_back(registry::ReferrersTag(subject.digest));
  HOIST_TRY_ASSIGN(Index index, layout_->ReadIndex());
  for (const auto& tag : tags) {
    HOIST_TRY_ASSIGN(std::string name, names_.NameFor(tag));
    for (const auto& d : index.manifests()) {
      auto it = d.annotations.find(store::kRefNameAnnotation);
      if (it != d.annotations.end() && it->second == name) {
        Descriptor plain = d;
        plain.annotations.clear();
        out.push_back(Attached{tag, plain});
        break;
      }
    }
  }
  return out;
}

}  // namespace hoist::transfer
