#include "edit/image_read.h"

#include "core/io.h"
#include "core/media_types.h"

namespace hoist::edit {

Result<AnyManifest> ReadDocument(transfer::ImageSource& source, const std::optional<Digest>& digest) {
  HOIST_TRY_ASSIGN(transfer::ManifestBytes bytes, source.GetManifest(digest));
  auto parsed = ParseAnyManifest(std::move(bytes.bytes), bytes.media_type);
  if (!parsed.ok()) {
    std::string what = digest ? digest->str() + " of " + source.Describe() : source.Describe();
    return Error(parsed.error().code(), what + " is not an image or an index: " + parsed.error().message());
  }
  return parsed;
}

Result<ImageConfig> ReadConfig(transfer::ImageSource& source, const Manifest& manifest) {
  const Descriptor& d = manifest.config();
  if (!IsConfig(d.media_type)) {
    return Unsupported(manifest.ToDescriptor().digest.str() + " is an artifact (config " + d.media_type +
                       "), not an image: it has no image config to edit");
  }
  if (d.size < 0 || static_cast<uint64_t>(d.size) > kMaxConfigSize) {
    return TooLarge("config " + d.digest.str() + " is larger than kMaxConfigSize (" + std::to_string(kMaxConfigSize) +
                    " bytes)");
  }
  HOIST_TRY_ASSIGN(auto reader, source.GetBlob(d, 0));
  HOIST_TRY_ASSIGN(std::string bytes, ReadAll(*reader, kMaxConfigSize));
  if (Descriptor::For(d.media_type, bytes).digest != d.digest || static_cast<int64_t>(bytes.size()) != d.size) {
    return DigestMismatch("config " + d.digest.str() + " read from " + source.Describe() + " does not match its digest");
  }
  auto config = ImageConfig::Parse(std::move(bytes));
  if (!config.ok()) return std::move(config).error().WithContext("config " + d.digest.str());
  return config;
}

}  // namespace hoist::edit
