#include <iostream>

#include "core/json_parse.h"
#include "registry/client/listing.h"
#include "tools/command.h"
#include "tools/list_output.h"
#include "tools/registry_flags.h"

namespace hoist::tools {

namespace {

void AddCatalogOptions(cxxopts::Options& o) {
  o.add_options()("page-size", "Ask the registry for N repositories per page (every page is fetched)",
                  cxxopts::value<std::string>()->default_value("0"), "N");
  AddRegistryOptions(o);
}

Result<int> RunCatalog(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("catalog needs exactly one docker://HOST");
  HOIST_TRY_ASSIGN(std::string domain, ParseRegistryDomain(ctx.positional[0]));
  HOIST_TRY_ASSIGN(auto client, MakeRegistryClient(ctx));
  HOIST_TRY_ASSIGN(auto api, client->OpenRegistry(domain));
  registry::ListOptions list;
  HOIST_TRY_ASSIGN(list.page_size, IntegerFlag(ctx.args, "page-size"));
  ListPrinter printer(std::cout, ctx.global.format, "Registry", domain, "Repositories");
  Status listed = registry::ForEachCatalogPage(api, list, [&](std::vector<std::string> page) -> Status {
    printer.Page(page);
    return Ok();
  });
  if (!listed.ok()) {
    std::string what = "catalog of ";  // built with += : g++ 12 misreports "lit" + string (PR 105329)
    what += domain;
    return std::move(listed).error().WithContext(what);
  }
  printer.Finish();
  return kExitOk;
}

}  // namespace

const CommandSpec& CatalogCommand() {
  static const CommandSpec spec{
      "catalog", {}, "List the repositories of a registry", "docker://HOST[:PORT]",
      "Lists every repository the registry's catalog API (/v2/_catalog) reports, following its pagination;\n"
      "each page is printed as it arrives.\n"
      "Many public registries (Docker Hub among them) do not offer the catalog.",
      "  hoist catalog docker://localhost:5000\n"
      "  hoist catalog --format json --insecure-registry 127.0.0.1:5000 127.0.0.1:5000",
      AddCatalogOptions, RunCatalog};
  return spec;
}

}  // namespace hoist::tools
