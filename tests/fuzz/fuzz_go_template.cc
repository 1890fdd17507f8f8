// Parses arbitrary bytes as a --format Go template and runs it over a fixed document shaped like
// docker's inspect output (nested objects, arrays, labels, null), normally and in header mode.
// Nothing may crash or hang; every error says something; no output is over kMaxTemplateOutput.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "tools/go_template.h"

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_go_template: %s\n", what);
  std::abort();
}

const nlohmann::json& Document() {
  static const nlohmann::json doc = nlohmann::json::parse(R"({
    "Id": "sha256:0123456789abcdef", "Size": 1234, "Ratio": 0.5, "Running": true, "Nil": null,
    "RepoTags": ["a:1", "b:2", "\u001b[2J"],
    "Config": {"Cmd": ["sh", "-c", "echo"], "Env": [], "Labels": {"a": "b", "org.x": "1"}},
    "Layers": [{"Digest": "sha256:aa", "Size": 1}, {"Digest": "sha256:bb", "Size": 2}]
  })");
  return doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto t = hoist::tools::GoTemplate::Parse(text);
  if (!t.ok()) {
    Require(!t.error().message().empty(), "empty parse error");
    return 0;
  }
  for (bool header : {false, true}) {
    hoist::tools::TemplateOptions o;
    o.header = header;
    o.strict_fields = header;
    auto r = t->Execute(header ? nlohmann::json{{"Id", "ID"}, {"Size", "SIZE"}} : Document(), o);
    if (!r.ok()) {
      Require(!r.error().message().empty(), "empty execution error");
      continue;
    }
    Require(r->size() <= hoist::tools::kMaxTemplateOutput, "output over kMaxTemplateOutput");
  }
  return 0;
}
