// Expands arbitrary bytes as a Dockerfile word (ExpandWord, ExpandWords, ExpandHeredoc) with a fixed
// set of variables, including values full of glob characters for ${V#pat}, ${V%pat} and ${V/pat/r}.
// The first byte picks the escape character. Nothing may crash or hang; every error says something
// and no result is over the per-word limit.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "builder/dockerfile/expand.h"

namespace df = hoist::builder::dockerfile;

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_expand: %s\n", what);
  std::abort();
}

std::optional<std::string> Lookup(std::string_view name) {
  if (name == "HOME") return std::string("/root");
  if (name == "EMPTY") return std::string();
  if (name == "FILE") return std::string("archive.tar.gz");
  if (name == "GLOB") return std::string("*?[a-z]\\*[!x]");
  if (name == "UTF") return std::string("\xCE\xB1\xCE\xB2\xFF\xC3");
  if (name == "BIG") return std::string(64 * 1024, 'a');
  return std::nullopt;
}

template <class T>
void Check(const hoist::Result<T>& r) {
  if (!r.ok()) Require(!r.error().message().empty(), "empty error message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const char escape = (data[0] & 1) ? '`' : '\\';
  std::string_view word(reinterpret_cast<const char*>(data) + 1, size - 1);
  const df::Location where{"Dockerfile", 1, 1};
  auto one = df::ExpandWord(word, Lookup, escape, where);
  Check(one);
  if (one.ok()) Require(one->size() <= df::kMaxExpandedWordBytes, "a word over the limit");
  Check(df::ExpandWords(word, Lookup, escape, where));
  Check(df::ExpandHeredoc(word, Lookup, escape, where));
  return 0;
}
