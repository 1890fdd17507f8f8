#include "transfer/mirror/tag_filter.h"

#include <algorithm>
#include <regex>
#include <set>

#include "core/attachment_tags.h"
#include "transfer/mirror/semver.h"

namespace hoist::transfer::mirror {

namespace {

Result<std::regex> Compile(const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return InvalidArgument("bad regex \"" + pattern + "\": " + e.what());
  }
}

bool IsDigestRef(const std::string& ref) { return ref.find(':') != std::string::npos; }

}  // namespace

bool NeedsTagList(const RepoSelection& selection, const HoistAdditions&) {
  return selection.kind != SelectionKind::kList || selection.refs.empty();
}

Result<std::vector<std::string>> SelectTags(const RepoSelection& selection, const HoistAdditions& additions,
                                            const std::vector<std::string>& available) {
  std::vector<std::string> picked;
  switch (selection.kind) {
    case SelectionKind::kList:
      if (!selection.refs.empty()) {
        picked = selection.refs;
      } else {
        for (const auto& t : available) {
          if (!IsAttachmentTag(t)) picked.push_back(t);
        }
      }
      break;
    case SelectionKind::kRegex: {
      HOIST_TRY_ASSIGN(std::regex re, Compile(selection.pattern));
      for (const auto& t : available) {
        if (!IsAttachmentTag(t) && std::regex_search(t, re)) picked.push_back(t);
      }
      break;
    }
    case SelectionKind::kSemver: {
      HOIST_TRY_ASSIGN(VersionRange range, VersionRange::Parse(selection.pattern));
      for (const auto& t : available) {
        auto v = Version::Parse(t);
        if (v && range.Contains(*v)) picked.push_back(t);
      }
      break;
    }
  }
  for (const auto& pattern : additions.exclude) {
    HOIST_TRY_ASSIGN(std::regex re, Compile(pattern));
    std::erase_if(picked, [&](const std::string& t) { return !IsDigestRef(t) && std::regex_search(t, re); });
  }
  std::sort(picked.begin(), picked.end());
  picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
  if (additions.newest > 0) {
    std::vector<std::pair<Version, std::string>> versions;
    for (const auto& t : picked) {
      if (auto v = Version::Parse(t)) versions.emplace_back(*v, t);
    }
    std::stable_sort(versions.begin(), versions.end(), [](const auto& a, const auto& b) {
      int c = Compare(a.first, b.first);
      return c != 0 ? c > 0 : a.second < b.second;
    });
    if (versions.size() > static_cast<size_t>(additions.newest)) versions.resize(additions.newest);
    picked.clear();
    for (auto& [v, t] : versions) picked.push_back(std::move(t));
  }
  return picked;
}

}  // namespace hoist::transfer::mirror
