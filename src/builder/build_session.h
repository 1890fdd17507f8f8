#pragma once
// What the stages of one build share: the store, the options, the parsed Dockerfile and its plan,
// the context, the ARG scope, the step cache, the progress printer, a scratch directory under the
// store's temp area, and the stages built so far (COPY --from and FROM <stage> read them).

#include <map>
#include <memory>
#include <string>

#include "builder/build_cache.h"
#include "builder/build_context.h"
#include "builder/build_options.h"
#include "builder/build_progress.h"
#include "builder/build_scope.h"
#include "builder/dockerfile/dockerfile.h"
#include "builder/stage_plan.h"
#include "builder/stage_rootfs.h"
#include "core/image_config.h"
#include "store/oci_layout.h"

namespace hoist::builder {

// The image a stage made: config (with history and diff_ids), layers, and the cache chain key
// that identifies this exact state.
struct StageImage {
  ImageConfig config{Platform::Host()};
  std::vector<Descriptor> layers;
  Digest chain = Digest::Of("");
  bool docker = false;  // docker media types, as its base had
};

struct BuiltStage {
  StageImage image;
  std::shared_ptr<StageRootfs> rootfs;  // unpacked only if a step ran or a later COPY --from needed it
};

struct BuildSession {
  store::OciLayout& layout;
  const BuildOptions& options;
  const dockerfile::Dockerfile& file;
  const StagePlan& plan;
  const BuildContext& context;
  BuildScope& scope;
  const BuildCache& cache;
  BuildProgress& progress;
  std::string scratch;  // removed when the build ends
  Platform platform;    // the platform being built (TARGETPLATFORM), BuildKit's spelling
  bool multi_platform = false;  // --platform named several: progress labels name the platform
  std::map<int, BuiltStage> stages;
  std::map<std::string, std::string> image_roots;  // COPY --from=IMAGE: manifest digest → unpacked dir
  int dirs = 0;
  // Every step record this build used or made (key → record): what --cache-to exports.
  std::map<Digest, CachedStep> used_steps;

  // A new empty directory under `scratch`.
  Result<std::string> NewDir(const std::string& prefix);
  // "now", or the fixed timestamp, as RFC 3339.
  std::string Now() const;
};

// Builds stage `index` (its dependencies must be in session.stages already).
Result<BuiltStage> BuildStage(BuildSession& session, int index);

// The platform stage `index` is built for: FROM --platform's (expanded with the global ARGs, as
// BuildKit does for FROM --platform=$BUILDPLATFORM), else the build's.
Result<Platform> StagePlatform(const dockerfile::Dockerfile& file, const BuildScope& scope, const Platform& platform,
                               int index);

}  // namespace hoist::builder
