// `hoist mutate`: change an image's config and annotations without a daemon (crane mutate).
#include "edit/mutate.h"
#include "tools/command.h"
#include "tools/edit_flags.h"
#include "tools/transfer_flags.h"

namespace hoist::tools {

namespace {

Result<edit::MutateOptions> ReadMutateOptions(const CommandContext& ctx) {
  const auto& a = ctx.args;
  edit::MutateOptions o;
  auto usage = [](const Error& e) { return UsageError(e.message()); };
  for (const auto& text : RepeatedFlag(a, "label")) {
    auto kv = edit::ParseKeyValue(text, "--label");
    if (!kv.ok()) return usage(kv.error());
    o.config.labels.push_back(*kv);
  }
  for (const auto& text : RepeatedFlag(a, "env")) {
    auto kv = edit::ParseKeyValue(text, "--env");
    if (!kv.ok()) return usage(kv.error());
    o.config.env.push_back(*kv);
  }
  for (const auto& text : RepeatedFlag(a, "annotation")) {
    auto kv = edit::ParseKeyValue(text, "--annotation");
    if (!kv.ok()) return usage(kv.error());
    o.annotations[kv->first] = kv->second;
  }
  for (const char* flag : {"entrypoint", "cmd"}) {
    if (!a.count(flag)) continue;
    auto list = edit::ParseCommandList(a[flag].as<std::string>(), std::string("--") + flag);
    if (!list.ok()) return usage(list.error());
    (std::string(flag) == "cmd" ? o.config.cmd : o.config.entrypoint) = *list;
  }
  if (a.count("workdir")) o.config.working_dir = a["workdir"].as<std::string>();
  if (a.count("user")) o.config.user = a["user"].as<std::string>();
  for (const auto& text : RepeatedFlag(a, "exposed-ports")) {
    auto port = edit::ParsePort(text);
    if (!port.ok()) return usage(port.error());
    o.config.exposed_ports.push_back(*port);
  }
  if (a.count("created")) {
    auto created = edit::ParseCreated(a["created"].as<std::string>());
    if (!created.ok()) return usage(created.error());
    o.config.created = *created;
  }
  if (a.count("set-platform")) {
    auto p = Platform::Parse(a["set-platform"].as<std::string>());
    if (!p.ok()) return UsageError("--set-platform: " + p.error().message());
    o.config.platform = *p;
  }
  for (const auto& text : RepeatedFlag(a, "platform")) {
    auto p = Platform::Parse(text);
    if (!p.ok()) return UsageError("--platform: " + p.error().message());
    o.platforms.push_back(*p);
  }
  o.config.drop_history = a.count("drop-history") > 0;
  return o;
}

Result<int> RunMutate(CommandContext& ctx) {
  HOIST_TRY_ASSIGN(edit::MutateOptions options, ReadMutateOptions(ctx));
  HOIST_TRY_ASSIGN(transfer::LayerCompressionChoice compression, ReadCompressionChoice(ctx));
  if (options.config.empty() && options.annotations.empty()) {
    return UsageError("mutate needs a change: --label, --annotation, --env, --entrypoint, --cmd, --workdir, --user, "
                      "--exposed-ports, --created, --set-platform or --drop-history");
  }
  return RunEdit(ctx, "mutate", [&](transfer::ImageSource& source, const transfer::Endpoints&) {
    return edit::Mutate(source, options);
  }, false, compression);
}

}  // namespace

const CommandSpec& MutateCommand() {
  static const std::string description = std::string(
      "Writes a new config and manifest for SRC with the changes asked (as `crane mutate`); the layers\n"
      "are not touched. --label, --env and --annotation take KEY=VALUE and are repeatable (a KEY the\n"
      "image has is replaced; --env keeps the variable's place). --entrypoint and --cmd take a JSON\n"
      "array ('[\"sh\", \"-c\", \"x\"]') or comma-separated words (sh,-c,x); '' clears them.\n"
      "--exposed-ports adds PORT[/tcp|udp|sctp]. --created takes RFC 3339 or Unix seconds.\n"
      "--set-platform OS/ARCH[/VARIANT] changes the config's platform (and its index entry).\n"
      "--drop-history removes the config's build history.\n"
      "When SRC is a multi-platform index, config changes apply to every image in it (--platform:\n"
      "only those, repeatable; attestations never), the index is rewritten to point at them, and\n"
      "--annotation goes on the index itself; the other images keep their digests.\n") + kCompressionHelp +
      "\n\n" + kEditHelp;
  static const CommandSpec spec{
      "mutate", {}, "Change an image's config, labels or annotations (new config and manifest, same layers)",
      "SRC", description.c_str(),
      "  hoist mutate docker://localhost:5000/app:1 --label org.example.team=web --env MODE=prod\n"
      "  hoist mutate docker://localhost:5000/app:1 -t docker://localhost:5000/app:1-debug --cmd '[\"sh\"]'\n"
      "  hoist mutate oci:/tmp/layout:app --annotation org.opencontainers.image.source=https://x.example\n"
      "  hoist mutate app:1 --platform linux/arm64 --user 1000:1000\n"
      "  hoist --format v2s2 mutate oci:/tmp/layout:app -t docker://localhost:5000/app:2 --created 0",
      [](cxxopts::Options& o) {
        o.add_options("Mutate")
            ("l,label", "Set a config label (repeatable)", cxxopts::value<std::string>(), "KEY=VALUE")
            ("a,annotation", "Set an annotation on the manifest, or the index (repeatable)",
             cxxopts::value<std::string>(), "KEY=VALUE")
            ("e,env", "Set an environment variable (repeatable)", cxxopts::value<std::string>(), "KEY=VALUE")
            ("entrypoint", "Set the entrypoint ('' clears it)", cxxopts::value<std::string>(), "CMD")
            ("cmd", "Set the default command ('' clears it)", cxxopts::value<std::string>(), "CMD")
            ("workdir", "Set the working directory", cxxopts::value<std::string>(), "DIR")
            ("user", "Set the user", cxxopts::value<std::string>(), "USER[:GROUP]")
            ("exposed-ports", "Expose a port (repeatable)", cxxopts::value<std::string>(), "PORT[/PROTO]")
            ("created", "Set the creation time", cxxopts::value<std::string>(), "TIME")
            ("set-platform", "Set the image's platform", cxxopts::value<std::string>(), "OS/ARCH[/VARIANT]")
            ("platform", "In an index, change only the image for this platform (repeatable)",
             cxxopts::value<std::string>(), "OS/ARCH[/VARIANT]")
            ("drop-history", "Remove the build history from the config");
        AddCompressionOptions(o);
        AddEditOptions(o);
      },
      RunMutate};
  return spec;
}

}  // namespace hoist::tools
