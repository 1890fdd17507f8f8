#include <iostream>
#include <set>

#include "store/image_lookup.h"
#include "tools/command.h"
#include "tools/store_flags.h"

namespace hoist::tools {

namespace {

void AddRmiOptions(cxxopts::Options& o) {
  o.add_options()("f,force", "Remove every name of an image given by ID, even across repositories");
}

std::string NameOf(const Descriptor& d) {
  auto it = d.annotations.find(store::kRefNameAnnotation);
  return it == d.annotations.end() ? "" : it->second;
}

std::string Familiar(const std::string& name) {
  auto ref = Reference::Parse(name);
  return ref.ok() ? ref->Familiar() : name;
}

// Untags by name: only that name goes, as `docker rmi NAME:TAG`.
Status RemoveByName(store::OciLayout& layout, const Reference& ref) {
  HOIST_TRY(layout.RemoveName(ref));
  std::cout << "Untagged: " << ref.Familiar() << "\n";
  return Ok();
}

// By image ID or digest: every entry of that image goes, refused without --force when its names
// span several repositories (docker's "image is referenced in multiple repositories").
Status RemoveById(store::OciLayout& layout, const std::string& arg, const Digest& digest, bool force) {
  std::vector<std::string> removed;
  HOIST_TRY(layout.UpdateIndex([&](std::vector<Descriptor>& list) -> Status {
    std::set<std::string> repositories;
    for (const auto& d : list) {
      if (!(d.digest == digest)) continue;
      auto ref = Reference::Parse(NameOf(d));
      if (ref.ok()) repositories.insert(ref->name());
    }
    if (repositories.size() > 1 && !force) {
      return Error(ErrorCode::kConflict, "unable to remove " + arg +
                                             " (must be forced): the image is referenced in multiple repositories");
    }
    std::vector<Descriptor> kept;
    for (auto& d : list) {
      if (d.digest == digest) {
        removed.push_back(NameOf(d));
      } else {
        kept.push_back(std::move(d));
      }
    }
    list = std::move(kept);
    return Ok();
  }));
  for (const auto& name : removed) {
    if (!name.empty()) std::cout << "Untagged: " << Familiar(name) << "\n";
  }
  std::cout << "Removed: " << digest.str() << "\n";
  return Ok();
}

Result<int> RunRmi(CommandContext& ctx) {
  if (ctx.positional.empty()) return UsageError("rmi needs at least one image");
  const bool force = ctx.args.count("force") > 0;
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  std::optional<Error> last;
  for (const auto& arg : ctx.positional) {
    HOIST_TRY(RefuseTransport(arg));
    Status st = [&]() -> Status {
      HOIST_TRY_ASSIGN(auto found, store::FindImage(layout, arg));
      if (found.name) return RemoveByName(layout, *found.name);
      return RemoveById(layout, arg, found.descriptor.digest, force);
    }();
    if (!st.ok()) {
      PrintOperandError(ctx, st.error());
      last = std::move(st).error();
    }
  }
  if (last) return ExitCodeFor(*last);
  return kExitOk;
}

}  // namespace

const CommandSpec& RmiCommand() {
  static const CommandSpec spec{
      "rmi", {}, "Remove names of images from the local store", "IMAGE...",
      "Removes names like `docker rmi`. Given REPOSITORY[:TAG], only that name goes (\"Untagged:\").\n"
      "Given an image ID (or a unique prefix) or NAME@DIGEST, every name of that image goes, and its\n"
      "unnamed index.json entries too (\"Removed:\"); when the names span several repositories this is\n"
      "refused unless --force. The content itself stays until `hoist prune` removes what no name\n"
      "reaches. Each IMAGE is handled on its own: one that is not found is reported and the rest\n"
      "still go; the exit code is that of the last failure.",
      "  hoist rmi alpine:3.19\n"
      "  hoist rmi -f 3f57d9401f8d && hoist prune",
      AddRmiOptions, RunRmi};
  return spec;
}

}  // namespace hoist::tools
