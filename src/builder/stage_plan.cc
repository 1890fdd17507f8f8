#include "builder/stage_plan.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "builder/dockerfile/expand.h"
#include "builder/run_mounts.h"
#include "core/ascii.h"

namespace hoist::builder {

namespace {

}  // namespace

std::optional<int> FindStage(const dockerfile::Dockerfile& file, const std::string& name, int before) {
  const std::string lower = AsciiLower(name);
  for (int i = 0; i < before && i < static_cast<int>(file.stages.size()); ++i) {
    if (!file.stages[i].name.empty() && file.stages[i].name == lower) return i;
  }
  if (!name.empty() && name.size() < 6 && name.find_first_not_of("0123456789") == std::string::npos) {
    int index = std::stoi(name);
    if (index < before) return index;
  }
  return std::nullopt;
}

bool LooksLikeStageName(const std::string& name) {
  return name.find_first_of("/:@.") == std::string::npos;
}

Result<StagePlan> PlanStages(const dockerfile::Dockerfile& file, const std::string& target, const BuildScope& scope) {
  StagePlan plan;
  const int count = static_cast<int>(file.stages.size());
  if (count == 0) return ParseError(file.file + ": no FROM instruction");
  std::vector<std::set<int>> deps(count);
  for (int i = 0; i < count; ++i) {
    const auto& stage = file.stages[i];
    HOIST_TRY_ASSIGN(std::string base,
                     dockerfile::ExpandWord(stage.base, scope.GlobalLookup(), file.escape, stage.location));
    if (base.empty()) return ParseError(stage.location.ToString() + ": FROM names no image");
    if (auto s = FindStage(file, base, i); s && !(base.find_first_not_of("0123456789") == std::string::npos)) {
      deps[i].insert(*s);
    }
    plan.bases.push_back(base);
    for (const auto& ins : stage.instructions) {
      // COPY --from=STAGE and RUN --mount=...,from=STAGE need that stage built first.
      std::vector<std::string> froms;
      if (ins.keyword == "COPY") {
        if (auto from = ins.FlagValue("from")) froms.push_back(*from);
      } else if (ins.keyword == "RUN") {
        for (const auto& f : ins.flags) {
          if (f.name != "mount") continue;
          auto spec = dockerfile::ExpandWord(f.value, scope.GlobalLookup(), file.escape, ins.location);
          auto mount = spec.ok() ? ParseRunMount(*spec, "/") : Result<RunMount>(spec.error());
          if (mount.ok() && !mount->from.empty()) froms.push_back(mount->from);
        }
      }
      for (const auto& from : froms) {
        auto value = dockerfile::ExpandWord(from, scope.GlobalLookup(), file.escape, ins.location);
        if (!value.ok()) continue;  // reported when the step runs, with the stage's ARGs
        if (auto s = FindStage(file, *value, i)) deps[i].insert(*s);
      }
    }
  }
  plan.target = count - 1;
  if (!target.empty()) {
    // --target takes a stage name, as docker's does.
    int found = -1;
    for (int i = 0; i < count; ++i) {
      if (file.stages[i].name == AsciiLower(target)) found = i;
    }
    if (found < 0) return InvalidArgument("--target " + target + ": no stage of that name in " + file.file);
    plan.target = found;
  }
  std::set<int> needed;
  std::vector<int> todo = {plan.target};
  while (!todo.empty()) {
    int s = todo.back();
    todo.pop_back();
    if (!needed.insert(s).second) continue;
    for (int d : deps[s]) todo.push_back(d);
  }
  plan.order.assign(needed.begin(), needed.end());
  for (int s : plan.order) plan.steps += 1 + static_cast<int>(file.stages[s].instructions.size());
  return plan;
}

}  // namespace hoist::builder
