#include "registry/auth/scope.h"

#include <algorithm>

namespace hoist::registry {

namespace {

struct ParsedScope {
  std::string resource;  // "TYPE:NAME", or the whole string when it has no actions part
  std::vector<std::string> actions;
  bool structured = false;
};

ParsedScope Split(const std::string& scope) {
  ParsedScope p;
  size_t first = scope.find(':');
  size_t last = scope.rfind(':');
  if (first == std::string::npos || first == last) {
    p.resource = scope;
    return p;
  }
  p.structured = true;
  p.resource = scope.substr(0, last);
  std::string actions = scope.substr(last + 1);
  size_t i = 0;
  while (i <= actions.size()) {
    size_t j = actions.find(',', i);
    if (j == std::string::npos) j = actions.size();
    if (j > i) p.actions.push_back(actions.substr(i, j - i));
    i = j + 1;
  }
  return p;
}

std::string Join(const ParsedScope& p) {
  if (!p.structured) return p.resource;
  std::string out = p.resource + ":";
  for (size_t i = 0; i < p.actions.size(); ++i) {
    if (i > 0) out += ',';
    out += p.actions[i];
  }
  return out;
}

}  // namespace

std::string RepositoryScope(std::string_view repo, const std::vector<std::string>& actions) {
  std::string out = "repository:";
  out += repo;
  out += ':';
  for (size_t i = 0; i < actions.size(); ++i) {
    if (i > 0) out += ',';
    out += actions[i];
  }
  return out;
}

std::vector<std::string> PushScopes(std::string_view dst, std::string_view mount_from) {
  std::vector<std::string> out{RepositoryScope(dst, {"pull", "push"})};
  if (!mount_from.empty() && mount_from != dst) out.push_back(RepositoryScope(mount_from, {"pull"}));
  return out;
}

std::vector<std::string> MergeScopes(const std::vector<std::string>& ours,
                                     const std::vector<std::string>& theirs) {
  std::vector<ParsedScope> merged;
  auto add = [&](const std::string& scope) {
    if (scope.empty()) return;
    ParsedScope p = Split(scope);
    for (ParsedScope& m : merged) {
      if (m.structured != p.structured || m.resource != p.resource) continue;
      for (std::string& a : p.actions) {
        if (std::find(m.actions.begin(), m.actions.end(), a) == m.actions.end()) {
          m.actions.push_back(std::move(a));
        }
      }
      return;
    }
    merged.push_back(std::move(p));
  };
  for (const std::string& s : ours) add(s);
  for (const std::string& s : theirs) add(s);
  std::vector<std::string> out;
  out.reserve(merged.size());
  for (const ParsedScope& p : merged) out.push_back(Join(p));
  return out;
}

}  // namespace hoist::registry
