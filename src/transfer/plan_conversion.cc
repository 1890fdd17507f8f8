#include "transfer/plan_conversion.h"

#include <map>
#include <variant>

namespace hoist::transfer {

Status ConvertPlan(CopyPlan& plan, ManifestFormat format) {
  std::map<Digest, Descriptor> converted;  // old manifest digest → new descriptor
  std::map<Digest, std::string> blob_types;  // config and layer digests → converted media type
  for (auto& m : plan.manifests) {
    HOIST_TRY_ASSIGN(AnyManifest doc, ParseAnyManifest(m.bytes.bytes, m.bytes.media_type));
    Descriptor fresh;
    std::string bytes;
    if (auto* manifest = std::get_if<Manifest>(&doc)) {
      HOIST_TRY_ASSIGN(Manifest out, ConvertManifest(*manifest, format));
      blob_types[out.config().digest] = out.config().media_type;
      for (const auto& l : out.layers()) blob_types[l.digest] = l.media_type;
      fresh = out.ToDescriptor();
      bytes = out.raw();
    } else {
      HOIST_TRY_ASSIGN(Index out, ConvertIndex(std::get<Index>(doc), format, converted));
      fresh = out.ToDescriptor();
      bytes = out.raw();
    }
    if (fresh.digest == m.descriptor.digest) continue;
    Descriptor rewritten = m.descriptor;
    rewritten.media_type = fresh.media_type;
    rewritten.digest = fresh.digest;
    rewritten.size = fresh.size;
    converted[m.descriptor.digest] = rewritten;
    if (plan.top.digest == m.descriptor.digest) {
      plan.notes.push_back(std::string("converted to ") + ManifestFormatName(format) + " media types: the image is now " +
                           rewritten.digest.str() + " (it was " + plan.top.digest.str() + ")");
      plan.top = rewritten;
    }
    m.descriptor = rewritten;
    m.bytes = ManifestBytes{std::move(bytes), fresh.media_type};
  }
  for (auto& b : plan.blobs) {
    if (auto it = blob_types.find(b.digest); it != blob_types.end()) b.media_type = it->second;
  }
  return Ok();
}

}  // namespace hoist::transfer
