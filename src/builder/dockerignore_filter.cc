// SourceFilter from a .dockerignore (builder/dockerignore.h holds the pattern rules).

#include <memory>

#include "builder/dockerignore.h"
#include "builder/source_filter.h"

namespace hoist::builder {

Status ApplyDockerignore(const std::string& text, SourceFilter& filter) {
  HOIST_TRY_ASSIGN(IgnoreMatcher parsed, IgnoreMatcher::Parse(text, ".dockerignore"));
  if (parsed.empty()) return Ok();
  auto matcher = std::make_shared<IgnoreMatcher>(std::move(parsed));
  filter.excluded = [matcher](const std::string& rel) { return matcher->Excluded(rel); };
  filter.may_reinclude = [matcher](const std::string& dir) { return matcher->MayReinclude(dir); };
  return Ok();
}

}  // namespace hoist::builder
