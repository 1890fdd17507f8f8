#pragma once
// The instructions that only edit the image config (ENV, LABEL, EXPOSE, VOLUME, CMD, ENTRYPOINT,
// SHELL, STOPSIGNAL, HEALTHCHECK, ONBUILD, MAINTAINER, USER, ARG), each returning the history
// text docker records for it (buildkit's wording: `CMD ["sh" "-c" "x"]`, `EXPOSE map[80/tcp:{}]`).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "builder/build_scope.h"
#include "builder/dockerfile/dockerfile.h"
#include "core/image_config.h"

namespace hoist::builder {

// What a stage's instructions edit, besides the filesystem.
struct StageConfig {
  ContainerConfig config;
  std::vector<std::string> shell = {"/bin/sh", "-c"};
  bool cmd_set = false;  // CMD given in this stage (ENTRYPOINT clears an inherited CMD only)
  std::string author;
};

bool IsConfigInstruction(std::string_view keyword);

// Applies one config instruction and returns its history text (for ARG, "ARG NAME=value" as
// resolved: it enters the cache chain but, as in buildkit, no history entry). Errors carry the
// instruction's file:line.
Result<std::optional<std::string>> ApplyConfigInstruction(const dockerfile::Instruction& ins, StageConfig& stage,
                                                          BuildScope& scope, char escape);

// Go's %q of a []string, as buildkit writes CMD and ENTRYPOINT into the history: ["a" "b c"].
std::string GoQuotedList(const std::vector<std::string>& v);

// Docker's duration syntax for HEALTHCHECK flags ("30s", "1m30s", "500ms") in nanoseconds.
Result<int64_t> ParseDuration(const std::string& text);

}  // namespace hoist::builder
