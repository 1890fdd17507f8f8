// Parses arbitrary bytes as a Dockerfile, then expands every instruction the way the builder does,
// with a fixed set of variables, and reads RUN --mount specs. Nothing may crash or hang; every error must say something, and
// every location must point inside the input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "builder/dockerfile/dockerfile.h"
#include "builder/dockerfile/expand.h"
#include "builder/run_mounts.h"

namespace df = hoist::builder::dockerfile;

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_dockerfile: %s\n", what);
  std::abort();
}

std::optional<std::string> Lookup(std::string_view name) {
  if (name == "HOME") return std::string("/root");
  if (name == "EMPTY") return std::string();
  if (name == "TWO") return std::string("a b");
  if (name == "QUOTE") return std::string("\"'$\\");
  if (name == "BIG") return std::string(4096, 'x');
  return std::nullopt;
}

void CheckLocation(const df::Location& where, int lines) {
  Require(where.line >= 1 && where.line <= lines, "location line outside the input");
  Require(where.column >= 1, "location column before the line");
}

template <class T>
void CheckResult(const hoist::Result<T>& r) {
  if (!r.ok()) Require(!r.error().message().empty(), "empty error message");
}

void Expand(const df::Instruction& ins, char escape, int lines) {
  CheckLocation(ins.location, lines);
  Require(!ins.keyword.empty(), "instruction without a keyword");
  Require(!ins.exec_form || (!ins.text.empty() && ins.text[0] == '['), "exec form that is not an array");
  for (const df::Flag& flag : ins.flags) {
    CheckLocation(flag.location, lines);
    CheckResult(df::ExpandWord(flag.value, Lookup, escape, flag.location));
    if (flag.name == "mount") {  // RUN --mount specs, as the builder reads them
      auto m = hoist::builder::ParseRunMount(flag.value, "/work");
      CheckResult(m);
      if (m.ok()) Require(m->target.empty() || m->target[0] == '/', "a mount target that is not absolute");
    }
  }
  CheckResult(df::ExpandWord(ins.text, Lookup, escape, ins.location));
  CheckResult(df::ExpandWords(ins.text, Lookup, escape, ins.location));
  for (const std::string& arg : ins.exec_args) CheckResult(df::ExpandWord(arg, Lookup, escape, ins.location));
  for (const df::Heredoc& doc : ins.heredocs) {
    Require(!doc.name.empty(), "heredoc without a name");
    CheckResult(df::ExpandHeredoc(doc.content, Lookup, escape, ins.location));
  }
  if (ins.keyword == "ENV" || ins.keyword == "LABEL" || ins.keyword == "ARG") {
    auto pairs = df::ExpandKeyValues(ins, Lookup, escape);
    CheckResult(pairs);
    if (pairs.ok()) {
      for (const auto& kv : *pairs) Require(!kv.key.empty(), "a blank key was accepted");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = df::Parse(input, "Dockerfile");
  if (!parsed.ok()) {
    Require(!parsed.error().message().empty(), "empty error message");
    return 0;
  }
  int lines = 1;
  for (char c : input) lines += c == '\n';
  Require(!parsed->stages.empty(), "a Dockerfile without stages was accepted");
  for (const df::Instruction& ins : parsed->global_args) Expand(ins, parsed->escape, lines);
  for (const df::Stage& stage : parsed->stages) {
    CheckLocation(stage.location, lines);
    Require(!stage.base.empty(), "a stage without a base");
    for (const df::Instruction& ins : stage.instructions) Expand(ins, parsed->escape, lines);
  }
  return 0;
}
