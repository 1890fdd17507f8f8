#include <iostream>

#include "tools/command.h"
#include "tools/registry_flags.h"

namespace hoist::tools {

namespace {

Result<int> RunDelete(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("delete needs exactly one docker://REF");
  HOIST_TRY_ASSIGN(Reference ref, ParseRegistryReference(ctx.positional[0]));
  HOIST_TRY_ASSIGN(auto client, MakeRegistryClient(ctx));
  HOIST_TRY_ASSIGN(auto repo, client->OpenRepository(ref, registry::Access::kDelete));
  // The API deletes manifests by digest; a tag is resolved first.
  std::string target = ref.digest() ? ref.digest()->str() : *ref.tag();
  auto st = repo.DeleteManifest(target);
  if (!st.ok()) return std::move(st).error().WithContext("delete " + ref.str());
  if (ctx.global.format == OutputFormat::kJson) {
    std::cout << "{\"deleted\": \"" << ref.str() << "\"}\n";
  } else {
    std::cout << "Deleted " << ref.str() << "\n";
  }
  return kExitOk;
}

}  // namespace

const CommandSpec& DeleteCommand() {
  static const CommandSpec spec{
      "delete", {}, "Delete an image's manifest from a registry", "docker://REF",
      "Deletes the manifest REF names (by tag: the digest it points to, with every tag on that digest, as\n"
      "the registry API works). Blobs are reclaimed by the registry's own garbage collection. The registry\n"
      "must allow deletes (distribution: storage.delete.enabled).",
      "  hoist delete docker://localhost:5000/team/app:old\n"
      "  hoist delete docker://localhost:5000/team/app@sha256:<digest>",
      AddRegistryOptions, RunDelete};
  return spec;
}

}  // namespace hoist::tools
