#include "tools/inspect_output.h"

#include <iostream>

#include "core/json_parse.h"
#include "tools/template_output.h"

namespace hoist::tools {

Status PrintInspectDocuments(const CommandContext& ctx, const nlohmann::ordered_json& docs) {
  if (ctx.global.format != OutputFormat::kTemplate) {
    std::cout << DumpJson(docs, 4) << "\n";
    return Ok();
  }
  HOIST_TRY_ASSIGN(TemplatePrinter printer, TemplatePrinter::Parse(ctx.global.format_name));
  std::vector<nlohmann::json> rows;
  for (const auto& d : docs) {
    // The template engine reads nlohmann::json; the documents are small.
    rows.push_back(nlohmann::json::parse(d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  }
  // Documents vary (an artifact has no Config): a missing field prints <no value>, as docker's.
  return printer.Print(rows, nlohmann::json::object(), std::cout, false);
}

nlohmann::ordered_json ContainerDocument(const container::ContainerRecord& c, const std::string& rootfs) {
  using json = nlohmann::ordered_json;
  json args = json::array();
  for (size_t i = 1; i < c.command.size(); ++i) args.push_back(c.command[i]);
  const bool running = c.running();
  std::string status = c.problem.empty() ? c.status : "broken";
  if (status == "running" && !running) status = "interrupted";
  json doc;
  doc["Id"] = c.id;
  doc["Created"] = c.created;
  doc["Path"] = c.command.empty() ? "" : c.command[0];
  doc["Args"] = args;
  // Pid is the container's PID 1 as the host sees it (docker's meaning); hoist's own process that
  // holds it is SupervisorPid.
  doc["State"] = {{"Status", status},
                  {"Running", running},
                  {"Paused", false},
                  {"Pid", running ? (c.container_pid > 0 ? c.container_pid : c.pid) : 0},
                  {"SupervisorPid", running ? c.pid : 0},
                  {"ExitCode", c.exit_code},
                  {"StartedAt", c.started.empty() ? "0001-01-01T00:00:00Z" : c.started},
                  {"FinishedAt", c.finished.empty() ? "0001-01-01T00:00:00Z" : c.finished}};
  if (!c.problem.empty()) doc["State"]["Error"] = c.problem;
  doc["Image"] = c.image_manifest.str();
  doc["Name"] = "/" + c.name;
  json mounts = json::array();
  for (const auto& m : c.spec.mounts) {
    mounts.push_back({{"Type", m.kind == container::SandboxMount::Kind::kTmpfs ? "tmpfs" : "bind"},
                      {"Source", m.source},
                      {"Destination", m.target},
                      {"RW", !m.read_only}});
  }
  doc["Mounts"] = mounts;
  doc["Config"] = {{"Hostname", c.spec.hostname}, {"User", c.spec.user},     {"Tty", c.spec.tty},
                   {"Env", c.spec.env},           {"Cmd", c.command},        {"Image", c.image},
                   {"WorkingDir", c.spec.working_dir}};
  doc["HostConfig"] = {{"NetworkMode", c.spec.network_none ? "none" : "host"},
                       {"Privileged", c.spec.privileged},
                       {"ReadonlyRootfs", c.spec.read_only_root},
                       {"Init", c.spec.init},
                       {"AutoRemove", c.spec.auto_remove}};
  if (!c.spec.volumes.empty()) doc["HostConfig"]["Volumes"] = c.spec.volumes;
  doc["GraphDriver"] = {{"Name", "hoist"}, {"Data", {{"MergedDir", rootfs}}}};
  return doc;
}

}  // namespace hoist::tools
