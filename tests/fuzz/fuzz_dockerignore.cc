// Parses arbitrary bytes as a .dockerignore (up to the first NUL) and matches the paths after it
// (one per line). Checks the promise the context walker relies on: when a directory is excluded
// but something beneath it is not, MayReinclude(directory) must be true.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "builder/dockerignore.h"

namespace {

void Require(bool ok, const char* what, std::string_view path) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_dockerignore: %s for path \"%.*s\"\n", what, static_cast<int>(path.size()),
               path.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nul = input.find('\0');
  std::string_view patterns = input.substr(0, nul);
  std::string_view paths = nul == std::string_view::npos ? patterns : input.substr(nul + 1);
  auto matcher = hoist::builder::IgnoreMatcher::Parse(patterns);
  if (!matcher.ok()) {
    Require(!matcher.error().message().empty(), "empty error message", "");
    return 0;
  }
  // Each line also as a bare pattern, to compare the one-pass parent match with a match per parent.
  std::vector<hoist::builder::IgnorePattern> bare;
  for (size_t p = 0; p < patterns.size() && bare.size() < 32;) {
    size_t end = patterns.find('\n', p);
    if (end == std::string_view::npos) end = patterns.size();
    auto compiled = hoist::builder::IgnorePattern::Compile(patterns.substr(p, end - p));
    if (compiled.ok()) bare.push_back(std::move(compiled).value());
    p = end + 1;
  }
  size_t pos = 0;
  int checked = 0;
  while (pos < paths.size() && checked++ < 128) {  // bounded, so large inputs stay quick
    size_t end = paths.find('\n', pos);
    if (end == std::string_view::npos) end = paths.size();
    std::string_view path = paths.substr(pos, end - pos);
    pos = end + 1;
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (path.empty()) continue;
    for (const auto& pattern : bare) {
      bool any = pattern.Matches(path);
      for (size_t slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
        any = any || (slash > 0 && pattern.Matches(path.substr(0, slash)));
      }
      Require(any == pattern.MatchesPathOrParent(path), "one-pass parent match disagrees", path);
    }
    bool excluded = matcher->Excluded(path);
    Require(excluded == matcher->Excluded(path), "Excluded is not deterministic", path);
    for (size_t slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
      std::string_view dir = path.substr(0, slash);
      if (dir.empty() || !matcher->Excluded(dir) || excluded) continue;
      Require(matcher->MayReinclude(dir), "an excluded directory hides an included path", path);
    }
  }
  return 0;
}
