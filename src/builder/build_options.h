#pragma once
// What `hoist build` is asked to do, and what it made.

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/descriptor.h"
#include "core/digest.h"
#include "core/error.h"
#include "core/reference.h"
#include "builder/build_cache.h"
#include "builder/build_progress.h"
#include "container/sandbox.h"
#include "transfer/url_fetch.h"

namespace hoist::builder {

struct BuildOptions {
  std::string context = ".";  // a directory, or "-" for a tar on stdin
  std::string dockerfile;     // "" → CONTEXT/Dockerfile; "-" → stdin
  std::map<std::string, std::string> build_args;
  std::string target;         // the stage to build ("" → the last)
  // --platform: OS/ARCH[/VARIANT] or a comma-separated list (one image per platform and an index over
  // them); "" → this machine's. RUN steps of another architecture run through qemu (container/binfmt.h).
  std::string platform;
  bool no_cache = false;
  bool allow_insecure = false;  // --allow security.insecure: RUN --security=insecure may run privileged
  std::optional<int64_t> timestamp;  // SOURCE_DATE_EPOCH / --timestamp: fixed times, clamped mtimes
  std::vector<Reference> tags;       // names set once everything else is written
  // --label: set on the final image's config (not on intermediate stages), as docker does.
  std::map<std::string, std::string> labels;
  // --annotation: set on the final image's manifest; an image with Docker media types becomes OCI,
  // as a Docker manifest has no annotations (BuildKit needs oci-mediatypes for them too).
  std::map<std::string, std::string> annotations;
  // --network: RUN steps' network when the step does not say (RUN --network); host by default.
  std::optional<container::SandboxOptions::Network> network;
  bool pull_always = false;          // --pull: fetch every FROM image again, even one in the store
  // --secret id=ID,src=FILE|env=VAR: what RUN --mount=type=secret,id=ID sees. Values are read when a
  // step mounts them and never enter a layer, the cache key, the history or a log.
  struct Secret {
    std::string file;                  // src=FILE
    std::optional<std::string> value;  // env=VAR's value, read when the build starts
  };
  std::map<std::string, Secret> secrets;
  // --ssh ID[=SOCKET]: the ssh agent sockets RUN --mount=type=ssh,id=ID forwards.
  std::map<std::string, std::string> ssh_agents;
  bool quiet = false;                // no progress; RUN output only when a step fails
  std::FILE* progress = stderr;
  ProgressStyle progress_style = ProgressStyle::kClassic;
  std::string binfmt_dir = "/proc/sys/fs/binfmt_misc";  // where the kernel's qemu handlers are looked up
  // Fetches a registry image into the store (FROM or COPY --from an image the store lacks); null:
  // images must already be in the store.
  std::function<Status(const Reference& image, const Platform& platform)> pull;
  // ADD URL downloads: TLS settings (the registry flags'), retries, size bound.
  transfer::UrlFetchOptions fetch;
};

struct BuildResult {
  Descriptor manifest;             // the image, or the index over the images of several platforms
  Digest config = Digest::Of("");  // the image ID, as docker prints it (several platforms: the index digest)
  int steps = 0;
  int cached = 0;
  double seconds = 0;
  std::vector<std::pair<Digest, CachedStep>> cache_steps;  // the step records used or made, for --cache-to
};

}  // namespace hoist::builder
