// `hoist search [HOST/]TERM`: docker search. Through the registry's v1 search API where it offers
// one (Docker Hub, and registries that copy its API); otherwise across the registry's catalog,
// keeping the repositories whose name contains TERM.

#include <algorithm>
#include <cctype>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/ascii.h"
#include "core/json_parse.h"
#include "registry/client/listing.h"
#include "tools/command.h"
#include "tools/registry_flags.h"
#include "tools/template_output.h"
#include "tools/text_table.h"

namespace hoist::tools {

namespace {

constexpr int kDefaultSearchLimit = 25;  // docker's
constexpr int kMaxSearchLimit = 100;     // docker's (Docker Hub's page size)
constexpr size_t kDescriptionWidth = 45;

void AddSearchOptions(cxxopts::Options& o) {
  o.add_options()("limit", "Show at most N results (1 to 100)",
                  cxxopts::value<std::string>()->default_value(std::to_string(kDefaultSearchLimit)), "N")(
      "f,filter", "Keep results matching: stars=N (at least N), is-official=true|false, is-automated=true|false "
      "(repeatable)", cxxopts::value<std::vector<std::string>>(), "FILTER")(
      "no-trunc", "Do not truncate descriptions");
  AddRegistryOptions(o);
}

struct Filters {
  int min_stars = 0;
  std::optional<bool> official, automated;
};

Result<Filters> ReadFilters(const cxxopts::ParseResult& args) {
  Filters f;
  if (!args.count("filter")) return f;
  for (const auto& text : args["filter"].as<std::vector<std::string>>()) {
    const size_t eq = text.find('=');
    const std::string key = text.substr(0, eq), value = eq == std::string::npos ? "" : text.substr(eq + 1);
    auto boolean = [&]() -> Result<bool> {
      if (value == "true" || value == "1") return true;
      if (value == "false" || value == "0") return false;
      return UsageError("--filter " + key + " takes true or false (got \"" + value + "\")");
    };
    if (key == "stars") {
      if (value.empty() || value.size() > 9 || !std::all_of(value.begin(), value.end(), ::isdigit)) {
        return UsageError("--filter stars takes a number (got \"" + value + "\")");
      }
      f.min_stars = std::stoi(value);
    } else if (key == "is-official") {
      HOIST_TRY_ASSIGN(bool b, boolean());
      f.official = b;
    } else if (key == "is-automated") {
      HOIST_TRY_ASSIGN(bool b, boolean());
      f.automated = b;
    } else {
      return UsageError("unknown --filter \"" + key + "\" (search filters: stars, is-official, is-automated)");
    }
  }
  return f;
}

// "HOST/TERM" searches HOST (a first component with '.' or ':', or "localhost"); else Docker Hub.
std::pair<std::string, std::string> SplitHost(const std::string& text) {
  const size_t slash = text.find('/');
  if (slash != std::string::npos) {
    const std::string first = text.substr(0, slash);
    if (first.find_first_of(".:") != std::string::npos || first == "localhost") return {first, text.substr(slash + 1)};
  }
  return {"docker.io", text};
}

// Rows from a v1 search answer ({"results": [{"name", "description", "star_count", "is_official",
// "is_automated"}]}), as docker's template fields.
Result<std::vector<nlohmann::json>> ParseSearchAnswer(const std::string& body, const std::string& host) {
  auto doc = ParseJson(body);
  if (!doc.ok()) return std::move(doc).error().WithContext("the search answer of " + host);
  if (!doc->is_object() || !doc->contains("results") || !(*doc)["results"].is_array()) {
    return ParseError("the search answer of " + host + " has no \"results\" list");
  }
  std::vector<nlohmann::json> rows;
  for (const auto& r : (*doc)["results"]) {
    if (!r.is_object() || !r.contains("name") || !r["name"].is_string()) continue;
    auto str = [&](const char* k) { return r.contains(k) && r[k].is_string() ? r[k].get<std::string>() : std::string(); };
    auto flag = [&](const char* k) { return r.contains(k) && r[k].is_boolean() && r[k].get<bool>(); };
    const int64_t stars = r.contains("star_count") && r["star_count"].is_number_integer() ? r["star_count"].get<int64_t>() : 0;
    rows.push_back({{"Name", str("name")},
                    {"Description", str("description")},
                    {"StarCount", stars},
                    {"IsOfficial", flag("is_official")},
                    {"IsAutomated", flag("is_automated")}});
  }
  return rows;
}

Result<int> RunSearch(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("search needs exactly one [HOST/]TERM");
  HOIST_TRY_ASSIGN(int limit, IntegerFlag(ctx.args, "limit"));
  if (limit < 1 || limit > kMaxSearchLimit) return UsageError("--limit must be between 1 and 100");
  HOIST_TRY_ASSIGN(Filters filters, ReadFilters(ctx.args));
  std::optional<TemplatePrinter> printer;
  if (ctx.global.format == OutputFormat::kTemplate) {
    HOIST_TRY_ASSIGN(printer, TemplatePrinter::Parse(ctx.global.format_name));
  }
  const auto split = SplitHost(ctx.positional[0]);
  const std::string host = split.first, term = split.second;
  if (term.empty()) return UsageError("search needs a TERM after " + host + "/");
  HOIST_TRY_ASSIGN(std::string domain, ParseRegistryDomain(host));
  HOIST_TRY_ASSIGN(auto client, MakeRegistryClient(ctx));
  HOIST_TRY_ASSIGN(auto api, client->OpenSearch(domain));

  std::vector<nlohmann::json> rows;
  auto answer = api.SearchV1(term, limit);
  if (!answer.ok()) return std::move(answer).error().WithContext("search " + host);
  if (*answer) {
    HOIST_TRY_ASSIGN(rows, ParseSearchAnswer(**answer, host));
  } else {
    // No search API: the catalog, names containing TERM (case-insensitive), in the catalog's order.
    const std::string want = AsciiLower(term);
    Status listed = registry::ForEachCatalogPage(api, {}, [&](std::vector<std::string> page) -> Status {
      for (auto& name : page) {
        if (AsciiLower(name).find(want) == std::string::npos) continue;
        rows.push_back({{"Name", host + "/" + name},
                        {"Description", ""},
                        {"StarCount", 0},
                        {"IsOfficial", false},
                        {"IsAutomated", false}});
      }
      return Ok();
    });
    if (!listed.ok()) {
      std::string what = "search ";
      what += host;
      what += " (it offers neither /v1/search nor the catalog)";
      return std::move(listed).error().WithContext(what);
    }
  }
  std::erase_if(rows, [&](const nlohmann::json& r) {
    return r["StarCount"].get<int64_t>() < filters.min_stars ||
           (filters.official && r["IsOfficial"].get<bool>() != *filters.official) ||
           (filters.automated && r["IsAutomated"].get<bool>() != *filters.automated);
  });
  if (rows.size() > static_cast<size_t>(limit)) rows.resize(static_cast<size_t>(limit));

  if (printer) {
    const nlohmann::json headers = {{"Name", "NAME"}, {"Description", "DESCRIPTION"}, {"StarCount", "STARS"},
                                    {"IsOfficial", "OFFICIAL"}, {"IsAutomated", "AUTOMATED"}};
    HOIST_TRY(printer->Print(rows, headers, std::cout));
    return kExitOk;
  }
  if (ctx.global.format == OutputFormat::kJson) {
    std::cout << DumpJson(nlohmann::json(rows), 2) << "\n";
    return kExitOk;
  }
  const bool no_trunc = ctx.args.count("no-trunc") > 0;
  TextTable table({"NAME", "DESCRIPTION", "STARS", "OFFICIAL"});
  for (const auto& r : rows) {
    std::string description = r["Description"].get<std::string>();
    if (!no_trunc) description = Truncate(description, kDescriptionWidth);
    table.AddRow({r["Name"].get<std::string>(), description, std::to_string(r["StarCount"].get<int64_t>()),
                  r["IsOfficial"].get<bool>() ? "[OK]" : ""});
  }
  table.Print(std::cout);
  return kExitOk;
}

}  // namespace

const CommandSpec& SearchCommand() {
  static const CommandSpec spec{
      "search", {}, "Search a registry for repositories", "[HOST/]TERM",
      "Like `docker search`: TERM alone searches Docker Hub (its /v1/search API on index.docker.io);\n"
      "HOST/TERM searches that registry. A registry that offers the v1 search API (Docker Hub, and\n"
      "registries that copy it, such as Quay and Nexus) answers with descriptions and stars; one that\n"
      "does not (the CNCF Distribution registry, Harbor's /v2 without it, GHCR, ECR) is searched through\n"
      "its catalog (/v2/_catalog): every repository whose name contains TERM, case-insensitively.\n"
      "Registries that offer neither (Docker Hub's catalog is closed, GHCR's too) cannot be searched.\n"
      "\n"
      "--limit N (default 25, at most 100) caps the results; --filter stars=N, is-official=BOOL,\n"
      "is-automated=BOOL keeps the matching ones; --format json prints an array of {Name, Description,\n"
      "StarCount, IsOfficial, IsAutomated}; --format also takes a Go template over those fields\n"
      "('table …' adds docker's headers). Descriptions are cut at 45 characters unless --no-trunc.",
      "  hoist search alpine\n"
      "  hoist search --filter is-official=true --limit 5 nginx\n"
      "  hoist search localhost:5000/team\n"
      "  hoist search --format '{{.Name}}' registry.example.com/app",
      AddSearchOptions, RunSearch};
  return spec;
}

}  // namespace hoist::tools
