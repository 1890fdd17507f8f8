#include "builder/build_scope.h"

#include <algorithm>

namespace hoist::builder {

BuildScope::BuildScope(std::map<std::string, std::string> build_args, std::map<std::string, std::string> platform_args)
    : build_args_(std::move(build_args)), platform_args_(std::move(platform_args)) {
  for (const auto& [k, v] : platform_args_) globals_[k] = v;
}

void BuildScope::DeclareGlobal(const std::string& name, std::optional<std::string> default_value) {
  used_.insert(name);
  auto arg = build_args_.find(name);
  if (arg != build_args_.end()) {
    globals_[name] = arg->second;
  } else if (default_value) {
    globals_[name] = std::move(default_value);
  } else if (!globals_.count(name)) {
    globals_[name] = std::nullopt;
  }
}

dockerfile::VariableLookup BuildScope::GlobalLookup() const {
  return [this](std::string_view name) -> std::optional<std::string> {
    auto it = globals_.find(std::string(name));
    if (it == globals_.end()) return std::nullopt;
    return it->second;
  };
}

void BuildScope::BeginStage(const std::vector<std::string>& image_env) {
  stage_args_.clear();
  env_ = image_env;
}

std::optional<std::string> BuildScope::DeclareStageArg(const std::string& name,
                                                       std::optional<std::string> default_value) {
  used_.insert(name);
  std::optional<std::string> value;
  auto arg = build_args_.find(name);
  if (arg != build_args_.end()) {
    value = arg->second;
  } else if (default_value) {
    value = std::move(default_value);
  } else if (auto g = globals_.find(name); g != globals_.end()) {
    value = g->second;
  }
  std::erase_if(stage_args_, [&](const auto& p) { return p.first == name; });
  stage_args_.emplace_back(name, value);
  return value;
}

size_t BuildScope::GlobalBytes() const {
  size_t total = 0;
  for (const auto& [k, v] : globals_) total += k.size() + (v ? v->size() : 0);
  return total;
}

size_t BuildScope::StageBytes() const {
  size_t total = 0;
  for (const auto& [k, v] : stage_args_) total += k.size() + (v ? v->size() : 0);
  for (const auto& e : env_) total += e.size();
  return total;
}

std::optional<std::string> BuildScope::EnvValue(const std::string& name) const {
  // The last entry wins, as in a process environment built from the list.
  for (auto it = env_.rbegin(); it != env_.rend(); ++it) {
    if (it->size() > name.size() && it->compare(0, name.size(), name) == 0 && (*it)[name.size()] == '=') {
      return it->substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

dockerfile::VariableLookup BuildScope::StageLookup() const {
  return [this](std::string_view view) -> std::optional<std::string> {
    std::string name(view);
    if (auto e = EnvValue(name)) return e;
    for (const auto& [k, v] : stage_args_) {
      if (k == name) return v;
    }
    return std::nullopt;
  };
}

namespace {
bool HasKey(const std::vector<std::string>& env, const std::string& key) {
  return std::any_of(env.begin(), env.end(), [&](const std::string& e) {
    return e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=';
  });
}
}  // namespace

std::vector<std::string> BuildScope::ArgPairs(const std::vector<std::string>& config_env) const {
  std::vector<std::string> pairs;
  for (const auto& [k, v] : stage_args_) {
    if (v && !HasKey(config_env, k)) pairs.push_back(k + "=" + *v);
  }
  return pairs;
}

std::vector<std::string> BuildScope::RunEnv(const std::vector<std::string>& config_env) const {
  std::vector<std::string> env = config_env;
  for (auto& p : ArgPairs(config_env)) env.push_back(std::move(p));
  return env;
}

std::vector<std::string> BuildScope::UnusedBuildArgs() const {
  std::vector<std::string> unused;
  for (const auto& [k, v] : build_args_) {
    if (!used_.count(k)) unused.push_back(k);
  }
  return unused;
}

}  // namespace hoist::builder
