#include "store/image_lookup.h"

#include "store/image_summary.h"

namespace hoist::store {

bool LooksLikeImageId(const std::string& arg) {
  std::string hex = arg.rfind("sha256:", 0) == 0 ? arg.substr(7) : arg;
  if (hex.empty() || hex.size() > 64) return false;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<FoundImage> FindImage(const OciLayout& layout, const std::string& arg) {
  auto ref = Reference::Parse(arg);
  std::optional<Error> by_name_error;
  if (ref.ok()) {
    auto d = layout.Resolve(*ref);
    if (d.ok()) {
      FoundImage found{*d, std::nullopt, ref->digest().has_value()};
      if (!ref->digest()) found.name = *ref;
      return found;
    }
    if (d.error().code() != ErrorCode::kNotFound) return std::move(d).error();
    by_name_error = std::move(d).error();
  }
  if (!LooksLikeImageId(arg)) {
    if (by_name_error) return std::move(*by_name_error);
    return std::move(ref).error();
  }
  const std::string prefix = arg.rfind("sha256:", 0) == 0 ? arg.substr(7) : arg;
  HOIST_TRY_ASSIGN(auto summaries, SummarizeImages(layout));
  const ImageSummary* match = nullptr;
  for (const auto& s : summaries) {
    bool hit = s.id.hex().rfind(prefix, 0) == 0 || s.descriptor.digest.hex().rfind(prefix, 0) == 0;
    if (!hit) continue;
    if (match && !(match->descriptor.digest == s.descriptor.digest)) {
      return InvalidArgument("image ID " + arg + " is ambiguous: several images start with it (give more digits)");
    }
    match = &s;
  }
  if (!match) return NotFound("image " + arg + " is not in the store " + layout.root());
  return FoundImage{match->descriptor, std::nullopt, true};
}

}  // namespace hoist::store
