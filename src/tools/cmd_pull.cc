#include "tools/command.h"
#include "tools/transfer_flags.h"

namespace hoist::tools {

namespace {

Result<int> RunPull(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("pull needs exactly one REF");
  std::string text = ctx.positional[0];
  if (text.rfind("docker://", 0) != 0) {
    if (text.find(':') != std::string::npos && text.find("://") != std::string::npos) {
      return UsageError("pull reads from a registry: write docker://REF or a bare REF");
    }
    text = "docker://" + text;
  }
  auto src = transfer::ParseLocation(text, {.allow_store = false, .default_tag = !ctx.args.count("all-tags")});
  if (!src.ok()) return UsageError(src.error().message());
  transfer::Location dst;
  dst.kind = transfer::LocationKind::kStore;
  dst.ref = src->ref;
  return RunTransfer(ctx, *src, dst, PlatformDefault::kHost, TrustRole::kPull);
}

}  // namespace

const CommandSpec& PullCommand() {
  static const std::string description = std::string(
      "Copies an image from a registry into the local store, named by its full reference.\n"
      "From a multi-platform index only the image for this machine's platform is pulled (as docker\n"
      "does), and the store's name points at that image; --platform picks others, --all keeps the\n"
      "whole index.\n") + kTransferHelp;
  static const CommandSpec spec{
      "pull", {}, "Pull an image from a registry into the local store", "REF", description.c_str(),
      "  hoist pull localhost:5000/team/app:v1\n"
      "  hoist pull --platform linux/arm64 docker://localhost:5000/team/app:v1\n"
      "  hoist pull --all localhost:5000/team/app@sha256:0123…\n"
      "  hoist --progress=plain pull --jobs 4 localhost:5000/team/app:v1",
      AddTransferOptions, RunPull};
  return spec;
}

}  // namespace hoist::tools
