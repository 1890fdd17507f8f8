#include <iostream>

#include "core/json_parse.h"
#include "registry/client/listing.h"
#include "tools/command.h"
#include "tools/list_output.h"
#include "tools/registry_flags.h"

namespace hoist::tools {

namespace {

void AddTagsOptions(cxxopts::Options& o) {
  o.add_options()("page-size", "Ask the registry for N tags per page (every page is fetched)",
                  cxxopts::value<std::string>()->default_value("0"), "N");
  AddRegistryOptions(o);
}

Result<int> RunTags(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("tags needs exactly one docker://REPOSITORY");
  HOIST_TRY_ASSIGN(Reference ref, ParseRegistryReference(ctx.positional[0], /*default_tag=*/false));
  if (ref.tag() || ref.digest()) return UsageError("tags takes a repository without tag or digest");
  HOIST_TRY_ASSIGN(auto client, MakeRegistryClient(ctx));
  HOIST_TRY_ASSIGN(auto repo, client->OpenRepository(ref, registry::Access::kPull));
  registry::ListOptions list;
  HOIST_TRY_ASSIGN(list.page_size, IntegerFlag(ctx.args, "page-size"));
  ListPrinter printer(std::cout, ctx.global.format, "Repository", ref.name(), "Tags");
  auto print = [&](std::vector<std::string> page) -> Status {
    printer.Page(page);
    return Ok();
  };
  HOIST_TRY(registry::ForEachTagPage(repo, list, print));
  printer.Finish();
  return kExitOk;
}

}  // namespace

const CommandSpec& TagsCommand() {
  static const CommandSpec spec{
      "tags", {}, "List the tags of a repository in a registry", "docker://REPOSITORY",
      "Lists every tag of the repository, following the registry's pagination (Link headers) to the last\n"
      "page; each page is printed as it arrives, so any number of tags fits in memory. Text output is one tag per line; --format json prints {\"Repository\", \"Tags\"} as\n"
      "`skopeo list-tags` does.",
      "  hoist tags docker://localhost:5000/team/app\n"
      "  hoist tags --format json docker://ghcr.io/org/tool\n"
      "  hoist tags --insecure-registry 127.0.0.1:5000 127.0.0.1:5000/team/app",
      AddTagsOptions, RunTags};
  return spec;
}

}  // namespace hoist::tools
