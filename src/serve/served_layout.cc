#include "serve/served_layout.h"

namespace hoist::serve {

Result<std::string> ServedLayout::LayoutName(const std::string& name) const {
  HOIST_TRY(ValidateRepositoryName(name));
  if (options_.prefix.empty()) return name;
  const std::string& p = options_.prefix;
  if (name.size() <= p.size() + 1 || name.compare(0, p.size(), p) != 0 || name[p.size()] != '/') {
    return NotFound("repository " + name + " is not served here: every name starts with " + p + "/");
  }
  return name.substr(p.size() + 1);
}

std::string ServedLayout::ClientName(const std::string& layout_name) const {
  return options_.prefix.empty() ? layout_name : options_.prefix + "/" + layout_name;
}

}  // namespace hoist::serve
