#pragma once
// Which stages a build needs: the target (--target, else the last stage) and, transitively, the
// stages it starts FROM or copies from (COPY --from=NAME|INDEX), each only once, in file order.
// A stage may only use stages written before it.

#include <optional>
#include <string>
#include <vector>

#include "builder/build_scope.h"
#include "builder/dockerfile/dockerfile.h"

namespace hoist::builder {

struct StagePlan {
  std::vector<int> order;          // stage indexes to build, ascending
  int target = 0;
  std::vector<std::string> bases;  // per stage: FROM's image word expanded with the global ARGs
  int steps = 0;                   // instructions (FROMs included) in the stages to build
};

// The stage `name` names among stages [0, before): by AS name (case-insensitive) or by index.
std::optional<int> FindStage(const dockerfile::Dockerfile& file, const std::string& name, int before);

// `scope` must hold the global ARGs already.
Result<StagePlan> PlanStages(const dockerfile::Dockerfile& file, const std::string& target, const BuildScope& scope);

// A COPY --from value that is neither a stage nor image-like ("builder" with no registry, tag or
// path): reported as a missing stage rather than looked up as docker.io/library/builder.
bool LooksLikeStageName(const std::string& name);

}  // namespace hoist::builder
