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

nlohmann::ordered_json ContainerDocument(const build::ContainerRecord& c, const std::string& rootfs) {
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
  doc["State"] = {{"Status", status}, {"Running", running}, {"ExitCode", c.exit_code}, {"Pid", running ? c.pid : 0}};
  if (!c.problem.empty()) doc["State"]["Error"] = c.problem;
  doc["Image"] = c.image_manifest.str();
  doc["Name"] = "/" + c.name;
  doc["Config"] = {{"Image", c.image}, {"Cmd", c.command}};
  doc["GraphDriver"] = {{"Name", "hoist"}, {"Data", {{"MergedDir", rootfs}}}};
  return doc;
}

}  // namespace hoist::tools
