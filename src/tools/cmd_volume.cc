// `hoist volume create|ls|rm|inspect`: named volumes in the store (container/volumes.h).

#include <iostream>
#include <nlohmann/json.hpp>

#include "container/volumes.h"
#include "core/json_parse.h"
#include "tools/command.h"
#include "tools/store_flags.h"
#include "tools/text_table.h"

namespace hoist::tools {

namespace {

nlohmann::ordered_json VolumeJson(const container::VolumeRecord& v) {
  return {{"CreatedAt", v.created}, {"Driver", "local"}, {"Labels", nlohmann::ordered_json::object()},
          {"Mountpoint", v.mountpoint}, {"Name", v.name}, {"Options", nlohmann::ordered_json::object()},
          {"Scope", "local"}};
}

Result<int> RunVolumeCreate(CommandContext& ctx) {
  if (ctx.positional.size() > 1) return UsageError("volume create takes at most one NAME");
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kWrite));
  auto v = container::VolumeStore(layout.paths()).Create(ctx.positional.empty() ? "" : ctx.positional[0]);
  if (!v.ok() && v.error().code() == ErrorCode::kInvalidArgument) return UsageError(v.error().message());
  HOIST_TRY(v);
  std::cout << v->name << "\n";
  return kExitOk;
}

Result<int> RunVolumeLs(CommandContext& ctx) {
  if (!ctx.positional.empty()) return UsageError("volume ls takes no arguments");
  std::vector<container::VolumeRecord> all;
  if (StoreExists(ctx)) {
    HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
    HOIST_TRY_ASSIGN(all, container::VolumeStore(layout.paths()).List());
  }
  if (ctx.args.count("quiet")) {
    for (const auto& v : all) std::cout << v.name << "\n";
    return kExitOk;
  }
  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& v : all) out.push_back(VolumeJson(v));
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  TextTable table({"DRIVER", "VOLUME NAME"});
  for (const auto& v : all) table.AddRow({"local", v.name});
  table.Print(std::cout);
  return kExitOk;
}

Result<int> RunVolumeRm(CommandContext& ctx) {
  if (ctx.positional.empty()) return UsageError("volume rm needs at least one VOLUME");
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  container::VolumeStore volumes(layout.paths());
  int code = kExitOk;
  for (const auto& name : ctx.positional) {
    auto s = volumes.Remove(name, ctx.args.count("force") > 0);
    if (!s.ok()) {
      PrintOperandError(ctx, Error(s.error()).WithContext("volume rm"));
      code = ExitCodeFor(s.error());
      continue;
    }
    std::cout << name << "\n";
  }
  return code;
}

Result<int> RunVolumeInspect(CommandContext& ctx) {
  if (ctx.positional.empty()) return UsageError("volume inspect needs at least one VOLUME");
  if (!StoreExists(ctx)) return NotFound("no volume named " + ctx.positional[0] + " (see hoist volume ls)");
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  container::VolumeStore volumes(layout.paths());
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& name : ctx.positional) {
    HOIST_TRY_ASSIGN(auto v, volumes.Find(name));
    out.push_back(VolumeJson(v));
  }
  std::cout << out.dump(2) << "\n";
  return kExitOk;
}

void AddLsOptions(cxxopts::Options& o) { o.add_options()("q,quiet", "Only print volume names"); }
void AddRmOptions(cxxopts::Options& o) {
  o.add_options()("f,force", "Remove even a volume that containers still name");
}

}  // namespace

const CommandSpec& VolumeCreateCommand() {
  static const CommandSpec spec{
      "volume create", {}, "Create a named volume", "[NAME]",
      "Creates a named volume in the store (<store>/.hoist/volumes/NAME/_data) and prints its name; a\n"
      "volume of that name is kept as it is, as in docker. Without NAME the volume gets a random\n"
      "64-hex name. `hoist run -v NAME:/path` mounts it (and creates it on first use); it outlives the\n"
      "containers that use it. Names are letters, digits, _ . - (at least two, a letter or digit first).",
      "  hoist volume create data\n"
      "  hoist run --rm -v data:/data example.com/app:1",
      nullptr, RunVolumeCreate};
  return spec;
}

const CommandSpec& VolumeLsCommand() {
  static const CommandSpec spec{
      "volume ls", {}, "List named volumes", "",
      "Lists the store's named volumes (DRIVER is always local). -q prints only the names;\n"
      "--format json prints docker's volume objects.",
      "  hoist volume ls\n"
      "  hoist volume ls -q",
      AddLsOptions, RunVolumeLs};
  return spec;
}

const CommandSpec& VolumeRmCommand() {
  static const CommandSpec spec{
      "volume rm", {}, "Remove named volumes and their data", "VOLUME...",
      "Removes each volume with everything in it and prints its name. A volume that a container\n"
      "(running or not) mounts is refused until that container is removed (hoist rm), unless --force.",
      "  hoist volume rm data\n"
      "  hoist volume rm $(hoist volume ls -q)",
      AddRmOptions, RunVolumeRm};
  return spec;
}

const CommandSpec& VolumeInspectCommand() {
  static const CommandSpec spec{
      "volume inspect", {}, "Show named volumes' details", "VOLUME...",
      "Prints a JSON array with one object per volume, as `docker volume inspect`: Name, Mountpoint\n"
      "(the directory on this machine), CreatedAt, Driver, Scope, Labels, Options.",
      "  hoist volume inspect data",
      nullptr, RunVolumeInspect};
  return spec;
}

}  // namespace hoist::tools
