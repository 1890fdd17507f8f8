#include "core/attachment_tags.h"

#include <cctype>

namespace hoist {

std::vector<std::string> CosignTags(const Digest& subject) {
  std::string base = std::string(subject.algorithm_name()) + "-" + subject.hex();
  return {base + ".sig", base + ".att", base + ".sbom"};
}

bool IsAttachmentTag(const std::string& tag) {
  size_t hex_start;
  if (tag.rfind("sha256-", 0) == 0 || tag.rfind("sha512-", 0) == 0) {
    hex_start = 7;
  } else {
    return false;
  }
  size_t end = tag.find('.', hex_start);
  const std::string suffix = end == std::string::npos ? "" : tag.substr(end);
  if (!suffix.empty() && suffix != ".sig" && suffix != ".att" && suffix != ".sbom") return false;
  if (end == std::string::npos) end = tag.size();
  const size_t hex_len = end - hex_start;
  if (hex_len < 64 || hex_len > 128) return false;
  for (size_t i = hex_start; i < end; ++i) {
    const char c = tag[i];
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

bool IsAttachedRefName(const std::string& ref_name) {
  const size_t colon = ref_name.rfind(':');
  const size_t slash = ref_name.rfind('/');
  const bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  return IsAttachmentTag(has_tag ? ref_name.substr(colon + 1) : ref_name);
}

}  // namespace hoist
