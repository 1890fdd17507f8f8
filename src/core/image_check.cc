#include "core/image_check.h"

#include "core/image_config.h"
#include "core/media_types.h"

namespace hoist {

bool HasImageConfig(const Manifest& m) {
  if (!IsConfig(m.config().media_type)) return false;
  for (const auto& layer : m.layers()) {
    if (!IsLayer(layer.media_type)) return false;
  }
  return true;
}

Status CheckImageConfig(const Manifest& m, std::string raw) {
  auto config = ImageConfig::Parse(std::move(raw));
  if (!config.ok()) return spec_json::Prefixed(config.error(), "config " + m.config().digest.str());
  return config->CheckLayers(m.layers().size());
}

}  // namespace hoist
