#pragma once
// ARG and ENV as docker scopes them. ARGs before the first FROM are global: usable in FROM lines,
// and inside a stage only once re-declared (`ARG NAME`, taking the global value). A stage's ARG takes
// --build-arg's value, else its own default, else the global one. ENV always wins over an ARG of the
// same name. ARG values reach RUN's environment but are never written into the image config.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "builder/dockerfile/expand.h"

namespace hoist::builder {

class BuildScope {
 public:
  // `build_args`: --build-arg NAME=VALUE; `platform_args`: TARGETOS, TARGETARCH... (global defaults).
  BuildScope(std::map<std::string, std::string> build_args, std::map<std::string, std::string> platform_args);

  // A global ARG (before the first FROM); value already expanded with the globals before it.
  void DeclareGlobal(const std::string& name, std::optional<std::string> default_value);
  dockerfile::VariableLookup GlobalLookup() const;

  // A new stage: its ARGs and ENV start afresh (ENV comes from the base image's config).
  void BeginStage(const std::vector<std::string>& image_env);
  // ARG inside a stage; returns the value now in scope (nullopt: declared without any value).
  std::optional<std::string> DeclareStageArg(const std::string& name, std::optional<std::string> default_value);
  void SetEnv(const std::vector<std::string>& env) { env_ = env; }

  // ENV first, then the stage's ARGs.
  dockerfile::VariableLookup StageLookup() const;
  // What RUN sees: the config's Env plus the stage's ARGs with a value (ENV wins), and the ARG
  // pairs in declaration order for the history text ("|2 A=1 B=2").
  std::vector<std::string> RunEnv(const std::vector<std::string>& config_env) const;
  std::vector<std::string> ArgPairs(const std::vector<std::string>& config_env) const;

  // Bytes held by the global ARGs, and by the stage's ARGs and ENV (names and values): what
  // dockerfile::kMaxVariableStateBytes bounds.
  size_t GlobalBytes() const;
  size_t StageBytes() const;

  // --build-arg names no ARG anywhere consumed (docker warns about them).
  std::vector<std::string> UnusedBuildArgs() const;

 private:
  std::optional<std::string> EnvValue(const std::string& name) const;

  std::map<std::string, std::string> build_args_;
  std::map<std::string, std::string> platform_args_;
  std::map<std::string, std::optional<std::string>> globals_;
  std::vector<std::pair<std::string, std::optional<std::string>>> stage_args_;  // in declaration order
  std::vector<std::string> env_;
  std::set<std::string> used_;
};

}  // namespace hoist::builder
