#include "tools/command.h"
#include "tools/transfer_flags.h"

namespace hoist::tools {

namespace {

Result<int> RunPush(CommandContext& ctx) {
  if (ctx.positional.empty() || ctx.positional.size() > 2) {
    return UsageError("push needs a REF from the local store and optionally a docker://DESTINATION");
  }
  const bool all_tags = ctx.args.count("all-tags") > 0;
  auto src = transfer::ParseLocation(ctx.positional[0], {.allow_store = true, .default_tag = !all_tags});
  if (!src.ok()) return UsageError(src.error().message());
  if (src->kind != transfer::LocationKind::kStore) {
    return UsageError("push sends an image of the local store: name it by its reference (use `hoist copy` for " +
                      src->str() + ")");
  }
  transfer::Location dst;
  if (ctx.positional.size() == 2) {
    auto parsed = transfer::ParseLocation(ctx.positional[1], {.allow_store = false, .default_tag = !all_tags});
    if (!parsed.ok()) return UsageError(parsed.error().message());
    if (parsed->kind != transfer::LocationKind::kRegistry) {
      return UsageError("push sends to a registry: write the destination as docker://HOST/REPO[:TAG]");
    }
    dst = std::move(parsed).value();
  } else {
    dst.kind = transfer::LocationKind::kRegistry;
    dst.ref = src->ref;
  }
  return RunTransfer(ctx, *src, dst, PlatformDefault::kAll, TrustRole::kPush);
}

}  // namespace

const CommandSpec& PushCommand() {
  static const std::string description = std::string(
      "Copies an image from the local store to a registry: to the registry and repository its\n"
      "name says, or to docker://DESTINATION. Everything the store holds under the name is sent\n"
      "(a whole index if the name points at one; --platform sends only those platforms).\n") +
                                         kTransferHelp;
  static const CommandSpec spec{
      "push", {}, "Push an image from the local store to a registry", "REF [docker://DESTINATION]",
      description.c_str(),
      "  hoist push localhost:5000/team/app:v1\n"
      "  hoist push localhost:5000/team/app:v1 docker://registry.example.com/team/app:v1\n"
      "  hoist push --all-tags localhost:5000/team/app",
      AddTransferOptions, RunPush};
  return spec;
}

}  // namespace hoist::tools
