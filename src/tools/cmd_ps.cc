// `hoist ps`: the working containers made by `hoist run`.

#include <iostream>
#include <nlohmann/json.hpp>

#include "build/containers.h"
#include "core/json_parse.h"
#include "tools/command.h"
#include "tools/store_flags.h"
#include "tools/text_table.h"

namespace hoist::tools {

namespace {

void AddPsOptions(cxxopts::Options& o) {
  o.add_options()("a,all", "Show every container, not only running ones");
}

std::string Joined(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s;
}

Result<int> RunPs(CommandContext& ctx) {
  if (!ctx.positional.empty()) return UsageError("ps takes no arguments");
  std::vector<build::ContainerRecord> all;
  if (StoreExists(ctx)) {
    HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
    HOIST_TRY_ASSIGN(all, build::ContainerStore(layout.paths()).List());
  }
  const bool show_all = ctx.args.count("all") > 0;
  std::vector<build::ContainerRecord> shown;
  for (auto& c : all) {
    // A "running" record whose hoist process is gone was interrupted.
    if (c.status == "running" && !c.running()) c.status = "interrupted";
    if (show_all || c.status == "running") shown.push_back(std::move(c));
  }
  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : shown) {
      nlohmann::json j = {{"Id", c.id}, {"Name", c.name}, {"Image", c.image}, {"ImageManifest", c.image_manifest.str()},
                          {"Command", c.command}, {"Created", c.created}, {"Status", c.status},
                          {"ExitCode", c.exit_code}};
      if (!c.problem.empty()) j["Problem"] = c.problem;
      out.push_back(std::move(j));
    }
    std::cout << DumpJson(out, 2) << "\n";
    return kExitOk;
  }
  TextTable table({"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES"});
  for (const auto& c : shown) {
    std::string status = c.status == "exited" ? "Exited (" + std::to_string(c.exit_code) + ")" : c.status;
    if (!c.problem.empty()) status = "broken: " + c.problem;
    table.AddRow({c.id.substr(0, 12), c.image, "\"" + Truncate(Joined(c.command), 20) + "\"", c.created, status,
                  c.name});
  }
  table.Print(std::cout);
  return kExitOk;
}

}  // namespace

const CommandSpec& PsCommand() {
  static const CommandSpec spec{
      "ps", {}, "List working containers", "",
      "Lists the working containers that `hoist run` made in the store. Without -a only those whose\n"
      "command is running now; with -a also exited ones, which keep their files until `hoist rm` (and\n"
      "can be saved as an image with `hoist commit`). A container directory without a readable record\n"
      "(a run killed while creating it) is listed by -a as broken; `hoist rm ID` or `hoist prune`\n"
      "removes it. --format json prints every field.",
      "  hoist ps\n"
      "  hoist ps -a\n"
      "  hoist ps -a --format json",
      AddPsOptions, RunPs};
  return spec;
}

}  // namespace hoist::tools
