#include <iostream>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "core/reference.h"
#include "tools/command.h"

namespace hoist::tools {

namespace {

nlohmann::json Describe(const Reference& ref) {
  nlohmann::json j = {
      {"reference", ref.str()},
      {"familiar", ref.Familiar()},
      {"domain", ref.domain()},
      {"registry", ref.RegistryHost()},
      {"repository", ref.repository()},
      {"name", ref.name()},
      {"tag", ref.tag() ? nlohmann::json(*ref.tag()) : nlohmann::json(nullptr)},
      {"digest", ref.digest() ? nlohmann::json(ref.digest()->str()) : nlohmann::json(nullptr)},
  };
  return j;
}

Result<int> RunReference(CommandContext& ctx) {
  if (ctx.positional.empty()) return UsageError("reference needs at least one REF");
  nlohmann::json all = nlohmann::json::array();
  for (const auto& text : ctx.positional) {
    auto ref = Reference::Parse(text);
    if (!ref.ok()) return UsageError(ref.error().message());
    all.push_back(Describe(*ref));
  }
  if (ctx.global.format == OutputFormat::kJson) {
    std::cout << DumpJson(all.size() == 1 ? all[0] : all, 2) << "\n";
    return kExitOk;
  }
  for (const auto& j : all) {
    std::cout << j["reference"].get<std::string>() << "\n"
              << "  familiar:   " << j["familiar"].get<std::string>() << "\n"
              << "  registry:   " << j["registry"].get<std::string>() << "\n"
              << "  repository: " << j["repository"].get<std::string>() << "\n";
    if (!j["tag"].is_null()) std::cout << "  tag:        " << j["tag"].get<std::string>() << "\n";
    if (!j["digest"].is_null()) std::cout << "  digest:     " << j["digest"].get<std::string>() << "\n";
  }
  return kExitOk;
}

}  // namespace

const CommandSpec& ReferenceCommand() {
  static const CommandSpec spec{
      "reference", {"ref"}, "Show how hoist reads an image reference", "REF...",
      "Parses each REF with docker's reference grammar and prints its normalized form, the familiar short form\n"
      "docker shows, the registry host hoist would contact, the repository, tag and digest. A malformed\n"
      "reference is a usage error (exit code 2) naming what is wrong.",
      "  hoist reference alpine                      # docker.io/library/alpine:latest\n"
      "  hoist reference localhost:5000/team/app:v1\n"
      "  hoist reference '[::1]:5000/x@sha256:<64 hex digits>'\n"
      "  hoist reference --format json ghcr.io/org/tool:2.1",
      nullptr, RunReference};
  return spec;
}

}  // namespace hoist::tools
