#pragma once
// A base image's ONBUILD triggers ("RUN make", "COPY . /src"), as its config's OnBuild list holds
// them, parsed back into Dockerfile instructions for the child build to run after its FROM.

#include <cstddef>
#include <string>

#include "builder/dockerfile/dockerfile.h"
#include "core/error.h"

namespace hoist::builder {

// Most triggers one base may carry; more is a crafted image.
inline constexpr size_t kMaxOnbuildTriggers = 1000;

// Parses trigger number `n` (from 1) of the base named in `where` ("ONBUILD of busybox:1").
// Refuses what docker refuses there (FROM, ONBUILD, MAINTAINER) and more than one instruction.
Result<dockerfile::Instruction> ParseOnbuildTrigger(const std::string& trigger, const std::string& where, int n);

}  // namespace hoist::builder
