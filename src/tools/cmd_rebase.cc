// `hoist rebase`: put an image on a new base without a daemon (crane rebase).
#include <memory>

#include "edit/image_read.h"
#include "edit/rebase.h"
#include "tools/command.h"
#include "tools/edit_flags.h"

namespace hoist::tools {

namespace {

// OLD and NEW from the image's own base annotations, as crane does when the flags are not given:
// OLD is base.name@base.digest (what it was built on), NEW is base.name as it is now.
Result<std::pair<std::string, std::string>> BasesFromAnnotations(transfer::ImageSource& source) {
  HOIST_TRY_ASSIGN(AnyManifest top, edit::ReadDocument(source, std::nullopt));
  const auto* image = std::get_if<Manifest>(&top);
  const std::map<std::string, std::string> none;
  const auto& a = image ? image->annotations() : none;
  auto name = a.find(edit::kBaseNameAnnotation);
  auto digest = a.find(edit::kBaseDigestAnnotation);
  if (name == a.end() || digest == a.end()) {
    return InvalidArgument("rebase needs --old-base and --new-base: " + source.Describe() + " has no " +
                           edit::kBaseNameAnnotation + " and " + edit::kBaseDigestAnnotation + " annotations to find them");
  }
  std::string repo = name->second;
  if (size_t at = repo.find('@'); at != std::string::npos) repo.resize(at);
  return std::pair<std::string, std::string>("docker://" + repo + "@" + digest->second, "docker://" + name->second);
}

Result<int> RunRebase(CommandContext& ctx) {
  const auto& a = ctx.args;
  if (a.count("old-base") != a.count("new-base")) return UsageError("rebase needs both --old-base and --new-base, or neither");
  std::optional<transfer::Location> old_location, new_location;
  bool registry_needed = !a.count("old-base");
  for (const char* flag : {"old-base", "new-base"}) {
    if (!a.count(flag)) continue;
    auto l = transfer::ParseLocation(a[flag].as<std::string>(), {.allow_store = true, .default_tag = true});
    if (!l.ok()) return UsageError(std::string("--") + flag + ": " + l.error().message());
    registry_needed |= l->kind == transfer::LocationKind::kRegistry;
    (std::string(flag) == "old-base" ? old_location : new_location) = *l;
  }
  edit::RebaseOptions options;
  for (const auto& text : RepeatedFlag(a, "platform")) {
    auto p = Platform::Parse(text);
    if (!p.ok()) return UsageError("--platform: " + p.error().message());
    options.platforms.push_back(*p);
  }
  auto edit = [&](transfer::ImageSource& source, const transfer::Endpoints& ep) -> Result<edit::EditedImage> {
    if (!old_location) {
      HOIST_TRY_ASSIGN(auto bases, BasesFromAnnotations(source));
      HOIST_TRY_ASSIGN(old_location, transfer::ParseLocation(bases.first));
      HOIST_TRY_ASSIGN(new_location, transfer::ParseLocation(bases.second));
    }
    HOIST_TRY_ASSIGN(auto old_source, transfer::OpenSource(*old_location, ep));
    HOIST_TRY_ASSIGN(auto new_source, transfer::OpenSource(*new_location, ep));
    options.old_base = std::move(old_source);
    options.new_base = std::move(new_source);
    if (new_location->ref) options.new_base_name = new_location->ref->str();
    return edit::Rebase(source, options);
  };
  return RunEdit(ctx, "rebase", edit, registry_needed);
}

}  // namespace

const CommandSpec& RebaseCommand() {
  static const std::string description = std::string(
      "Moves SRC from the base image OLD onto NEW (as `crane rebase`): SRC's bottom layers must be\n"
      "exactly OLD's (same digests, in order), else nothing is written and the first layer that\n"
      "differs is named. They are replaced by NEW's layers, and NEW's diff_ids and history replace\n"
      "OLD's in the config; the rest of SRC's config stays. The manifest is annotated with\n"
      "org.opencontainers.image.base.name (NEW's reference, for a registry or store NEW) and\n"
      "org.opencontainers.image.base.digest (NEW's image digest). Without --old-base and --new-base,\n"
      "they come from those annotations on SRC: OLD = base.name@base.digest, NEW = base.name now.\n"
      "OLD and NEW may be multi-platform: the image for SRC's platform is used; on a multi-platform\n"
      "SRC, each image (or those of --platform) is rebased. NEW's layers are read from NEW.\n\n") + kEditHelp;
  static const CommandSpec spec{
      "rebase", {}, "Swap an image's base layers for another base", "SRC", description.c_str(),
      "  hoist rebase docker://localhost:5000/app:1 --old-base docker://localhost:5000/base:1 \\\n"
      "      --new-base docker://localhost:5000/base:2 -t docker://localhost:5000/app:1-rebased\n"
      "  hoist rebase docker://localhost:5000/app:1     # OLD and NEW from its base annotations",
      [](cxxopts::Options& o) {
        o.add_options("Rebase")
            ("old-base", "The base SRC was built on", cxxopts::value<std::string>(), "OLD")
            ("new-base", "The base to put SRC on", cxxopts::value<std::string>(), "NEW")
            ("platform", "In an index, rebase the image for this platform only (repeatable)",
             cxxopts::value<std::string>(), "OS/ARCH[/VARIANT]");
        AddEditOptions(o);
      },
      RunRebase};
  return spec;
}

}  // namespace hoist::tools
