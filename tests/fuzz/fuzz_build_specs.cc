// The build's small spec parsers over arbitrary bytes: RUN --mount values, git sources of ADD, and the
// --secret, --ssh and --cache-to/--cache-from values of `hoist build`. The first byte picks the parser.
// Nothing may crash or hang, and every refusal says something.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "builder/add_git.h"
#include "builder/run_mounts.h"
#include "tools/build_flags.h"

namespace {

template <class T>
void Check(const hoist::Result<T>& r) {
  if (r.ok() || !r.error().message().empty()) return;
  std::fprintf(stderr, "fuzz_build_specs: empty error message\n");
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string spec(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0: Check(hoist::builder::ParseRunMount(spec, "/work")); break;
    case 1:
      if (hoist::builder::IsGitSource(spec)) Check(hoist::builder::ParseGitSource(spec));
      break;
    case 2: Check(hoist::tools::ParseSecretFlag(spec)); break;
    case 3: Check(hoist::tools::ParseSshFlag(spec)); break;
    case 4: Check(hoist::tools::ParseCacheLocation(spec, true)); break;
    default: Check(hoist::tools::ParseCacheLocation(spec, false)); break;
  }
  return 0;
}
