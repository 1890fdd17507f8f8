// `hoist ps`: the working containers made by `hoist run`.

#include <algorithm>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "container/containers.h"
#include "core/json_parse.h"
#include "core/reference.h"
#include "tools/command.h"
#include "tools/human_units.h"
#include "tools/store_flags.h"
#include "tools/template_output.h"
#include "tools/text_table.h"

namespace hoist::tools {

namespace {

constexpr size_t kCommandWidth = 20;  // docker's truncation of COMMAND

void AddPsOptions(cxxopts::Options& o) {
  o.add_options()("a,all", "Show every container, not only running ones")("q,quiet", "Only show container IDs")(
      "no-trunc", "Show full container IDs and commands")(
      "f,filter", "Keep the containers matching: status=STATUS, name=TEXT, ancestor=IMAGE (repeatable)",
      cxxopts::value<std::string>(), "FILTER");
}

constexpr const char* kStatuses[] = {"created", "running", "exited", "interrupted", "broken"};

// docker's container filters: values of one key are alternatives, different keys must all match.
struct PsFilters {
  std::vector<std::string> status, name, ancestor;
};

Result<PsFilters> ParsePsFilters(const CommandContext& ctx) {
  PsFilters f;
  for (const std::string& text : RepeatedFlag(ctx.args, "filter")) {
    size_t eq = text.find('=');
    if (eq == std::string::npos) return UsageError("bad --filter \"" + text + "\": it needs KEY=VALUE");
    std::string key = text.substr(0, eq), value = text.substr(eq + 1);
    if (key == "status") {
      if (std::find(std::begin(kStatuses), std::end(kStatuses), value) == std::end(kStatuses)) {
        return UsageError("--filter status= takes created, running, exited, interrupted or broken (got \"" + value +
                          "\")");
      }
      f.status.push_back(value);
    } else if (key == "name") {
      f.name.push_back(value);
    } else if (key == "ancestor") {
      f.ancestor.push_back(value);
    } else {
      return UsageError("invalid filter \"" + key + "\" (ps takes status, name, ancestor)");
    }
  }
  return f;
}

// The image a container was made from, as the user named it, normalized ("alpine" is
// docker.io/library/alpine:latest); "" when it is not a reference.
std::string Normalized(const std::string& image) {
  auto r = Reference::Parse(image);
  if (!r.ok()) return "";
  return r->tag() || r->digest() ? r->str() : r->str() + ":latest";
}

bool AncestorMatches(const std::string& wanted, const container::ContainerRecord& c) {
  if (wanted == c.image) return true;
  std::string w = Normalized(wanted);
  if (!w.empty() && w == Normalized(c.image)) return true;
  // A manifest digest or a prefix of it (sha256:… or bare hex).
  const std::string digest = c.image_manifest.str();
  std::string hex = wanted.rfind("sha256:", 0) == 0 ? wanted.substr(7) : wanted;
  return hex.size() >= 4 && digest.compare(7, hex.size(), hex) == 0;
}

bool Matches(const PsFilters& f, const container::ContainerRecord& c) {
  auto any = [](const std::vector<std::string>& values, auto&& pred) {
    return values.empty() || std::any_of(values.begin(), values.end(), pred);
  };
  const std::string state = c.problem.empty() ? c.status : "broken";
  return any(f.status, [&](const std::string& s) { return s == state; }) &&
         any(f.name, [&](const std::string& n) { return c.name.find(n) != std::string::npos; }) &&
         any(f.ancestor, [&](const std::string& a) { return AncestorMatches(a, c); });
}

std::string Joined(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s;
}

// docker's STATUS: "Created", "Up 2 minutes", "Exited (0) 3 seconds ago".
std::string StatusCell(const container::ContainerRecord& c, time_t now) {
  if (!c.problem.empty()) return "broken: " + c.problem;
  if (c.status == "created") return "Created";
  if (c.status == "running" && !c.started.empty()) {
    std::string age = HumanAge(c.started, now);
    return "Up " + age.substr(0, age.size() - std::string(" ago").size());
  }
  if (c.status == "exited") {
    std::string s = "Exited (" + std::to_string(c.exit_code) + ")";
    return c.finished.empty() ? s : s + " " + HumanAge(c.finished, now);
  }
  return c.status;
}

nlohmann::json TemplateRow(const container::ContainerRecord& c, bool no_trunc, time_t now) {
  std::string command = Joined(c.command);
  return {{"ID", no_trunc ? c.id : c.id.substr(0, 12)},
          {"Image", c.image},
          {"Command", "\"" + (no_trunc ? command : Truncate(command, kCommandWidth)) + "\""},
          {"CreatedAt", DockerTime(c.created)},
          {"RunningFor", HumanAge(c.created, now)},
          {"Status", StatusCell(c, now)},
          {"State", c.problem.empty() ? c.status : "broken"},
          {"Names", c.name},
          {"Ports", ""},
          {"Labels", ""},
          {"Mounts", ""}};
}

const nlohmann::json& TemplateHeaders() {
  static const nlohmann::json h = {{"ID", "CONTAINER ID"}, {"Image", "IMAGE"},   {"Command", "COMMAND"},
                                   {"CreatedAt", "CREATED AT"}, {"RunningFor", "CREATED"},
                                   {"Status", "STATUS"},    {"State", "STATE"},   {"Names", "NAMES"},
                                   {"Ports", "PORTS"},      {"Labels", "LABELS"}, {"Mounts", "MOUNTS"}};
  return h;
}

Result<int> RunPs(CommandContext& ctx) {
  if (!ctx.positional.empty()) return UsageError("ps takes no arguments");
  std::optional<TemplatePrinter> printer;
  if (ctx.global.format == OutputFormat::kTemplate) {
    HOIST_TRY_ASSIGN(printer, TemplatePrinter::Parse(ctx.global.format_name));
  }
  HOIST_TRY_ASSIGN(PsFilters filters, ParsePsFilters(ctx));
  std::vector<container::ContainerRecord> all;
  if (StoreExists(ctx)) {
    HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
    HOIST_TRY_ASSIGN(all, container::ContainerStore(layout.paths()).List());
  }
  // A status filter shows what it names, running or not (as docker's).
  const bool show_all = ctx.args.count("all") > 0 || !filters.status.empty();
  const bool no_trunc = ctx.args.count("no-trunc") > 0;
  std::vector<container::ContainerRecord> shown;
  for (auto& c : all) {
    // A "running" record whose hoist process is gone was interrupted.
    if (c.status == "running" && !c.running()) c.status = "interrupted";
    if ((show_all || c.status == "running") && Matches(filters, c)) shown.push_back(std::move(c));
  }
  if (ctx.args.count("quiet")) {
    for (const auto& c : shown) std::cout << (no_trunc ? c.id : c.id.substr(0, 12)) << "\n";
    return kExitOk;
  }
  if (printer) {
    std::vector<nlohmann::json> rows;
    const time_t now = ::time(nullptr);
    for (const auto& c : shown) rows.push_back(TemplateRow(c, no_trunc, now));
    HOIST_TRY(printer->Print(rows, TemplateHeaders(), std::cout));
    return kExitOk;
  }
  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : shown) {
      nlohmann::json j = {{"Id", c.id}, {"Name", c.name}, {"Image", c.image}, {"ImageManifest", c.image_manifest.str()},
                          {"Command", c.command}, {"Created", c.created}, {"Status", c.status},
                          {"ExitCode", c.exit_code}, {"StartedAt", c.started}, {"FinishedAt", c.finished}};
      if (!c.problem.empty()) j["Problem"] = c.problem;
      out.push_back(std::move(j));
    }
    std::cout << DumpJson(out, 2) << "\n";
    return kExitOk;
  }
  TextTable table({"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES"});
  const time_t now = ::time(nullptr);
  for (const auto& c : shown) {
    const std::string command = Joined(c.command);
    table.AddRow({no_trunc ? c.id : c.id.substr(0, 12), c.image,
                  "\"" + (no_trunc ? command : Truncate(command, kCommandWidth)) + "\"", HumanAge(c.created, now),
                  StatusCell(c, now),
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
      "removes it. --format json prints every field.\n"
      "\n"
      "-q prints only the container IDs (full with --no-trunc). --filter (repeatable; values of one key\n"
      "are alternatives, different keys must all match): status=created|running|exited|interrupted|\n"
      "broken (implies -a), name=TEXT (names containing TEXT), ancestor=IMAGE (made from IMAGE: its name\n"
      "as given or normalized, or its manifest digest). --format also takes a Go template over docker's\n"
      "fields: .ID .Image .Command .CreatedAt .RunningFor .Status .State .Names (see README).",
      "  hoist ps\n"
      "  hoist ps -a\n"
      "  hoist container ls -aq --filter status=exited\n"
      "  hoist ps -a --format 'table {{.Names}}\\t{{.Status}}'\n"
      "  hoist ps -a --format json",
      AddPsOptions, RunPs};
  return spec;
}

}  // namespace hoist::tools
