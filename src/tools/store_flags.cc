#include "tools/store_flags.h"

#include <sys/stat.h>

namespace hoist::tools {

std::string StorePath(const CommandContext& ctx) { return store::DefaultStorePath(ctx.global.store); }

Result<store::OciLayout> OpenStore(const CommandContext& ctx, StoreAccess access) {
  auto mode = access == StoreAccess::kWrite ? store::OciLayout::OpenMode::kCreate
                                            : store::OciLayout::OpenMode::kExisting;
  return store::OciLayout::Open(StorePath(ctx), mode);
}

bool StoreExists(const CommandContext& ctx) {
  struct stat st;
  return ::stat(StorePath(ctx).c_str(), &st) == 0;
}

Status RefuseTransport(const std::string& text) {
  for (std::string transport : {"docker://", "oci:", "oci-archive:", "docker-archive:"}) {
    if (text.rfind(transport, 0) != 0) continue;
    // "oci:1" is also the image docker.io/library/oci:1; "oci:./dir" can only be a location.
    if (transport != "docker://" && Reference::ValidateTag(text.substr(transport.size())).ok()) continue;
    {
      std::string m = "\"" + text + "\": this command works on the local store; name the image as REF ";
      m += "(use `hoist copy` or `hoist pull` to move images between locations)";
      return UsageError(std::move(m));
    }
  }
  return Ok();
}

Result<Reference> ParseStoreReference(const std::string& text) {
  HOIST_TRY(RefuseTransport(text));
  auto ref = Reference::Parse(text);
  if (!ref.ok()) return UsageError(ref.error().message());
  return ref;
}

}  // namespace hoist::tools
