#include "builder/builder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "builder/base_images.h"
#include "builder/build_session.h"
#include "builder/dockerfile/expand.h"
#include "container/binfmt.h"
#include "container/root_dir.h"
#include "container/scratch_dir.h"
#include "core/fs.h"
#include "core/manifest_convert.h"
#include "core/media_types.h"

namespace hoist::builder {

namespace {

// BuildKit's automatic platform ARGs: the target being built and this machine.
std::map<std::string, std::string> PlatformArgs(const Platform& target) {
  Platform host = BuildKitPlatform(Platform::Host());
  return {{"TARGETPLATFORM", target.str()}, {"TARGETOS", target.os},     {"TARGETARCH", target.architecture},
          {"TARGETVARIANT", target.variant}, {"BUILDPLATFORM", host.str()}, {"BUILDOS", host.os},
          {"BUILDARCH", host.architecture},  {"BUILDVARIANT", host.variant}};
}

// What one platform's build will do, worked out before anything runs.
struct PlatformPlan {
  Platform platform;
  BuildScope scope;
  StagePlan plan;
};

// RUN steps of another architecture need qemu through binfmt_misc; checked before any step runs, so
// a missing handler costs nothing. COPY/ADD-only stages need none.
Status CheckRunEmulation(const dockerfile::Dockerfile& file, const PlatformPlan& p, const std::string& binfmt_dir) {
  for (int index : p.plan.order) {
    const auto& stage = file.stages[index];
    bool runs = false;
    for (const auto& ins : stage.instructions) runs = runs || ins.keyword == "RUN";
    if (!runs) continue;
    HOIST_TRY_ASSIGN(Platform platform, StagePlatform(file, p.scope, p.platform, index));
    auto st = container::CheckEmulation(platform, "RUN steps for " + platform.str(), binfmt_dir);
    if (!st.ok()) return std::move(st).error().WithContext(stage.location.ToString());
  }
  return Ok();
}

Status DeclareGlobals(const dockerfile::Dockerfile& file, BuildScope& scope) {
  for (const auto& ins : file.global_args) {
    HOIST_TRY_ASSIGN(auto pairs, dockerfile::ExpandKeyValues(ins, scope.GlobalLookup(), file.escape));
    for (auto& kv : pairs) scope.DeclareGlobal(kv.key, std::move(kv.value));
    if (scope.GlobalBytes() > dockerfile::kMaxVariableStateBytes) {
      return TooLarge(ins.location.ToString() + ": ARG: the global ARG values now hold " +
                      std::to_string(scope.GlobalBytes()) + " bytes, over the limit of " +
                      std::to_string(dockerfile::kMaxVariableStateBytes) + " (kMaxVariableStateBytes)");
    }
  }
  return Ok();
}

// --label and --annotation on the final image; both enter its cache key, so a changed label makes a
// new image while every step stays cached.
void ApplyFinalEdits(StageImage& image, const BuildOptions& options, const Platform& platform) {
  image.chain = CacheKey(image.chain, {"platform", platform.str()});
  if (!options.labels.empty()) {
    ContainerConfig c = image.config.config().value_or(ContainerConfig{});
    std::string text;
    for (const auto& [k, v] : options.labels) {
      c.labels[k] = v;
      text += k + "=" + v + "\n";
    }
    image.config.set_config(std::move(c));
    image.chain = CacheKey(image.chain, {"--label", text});
  }
  if (!options.annotations.empty()) {
    std::string text;
    for (const auto& [k, v] : options.annotations) text += k + "=" + v + "\n";
    image.chain = CacheKey(image.chain, {"--annotation", text});
  }
}

Result<Descriptor> WriteImage(store::OciLayout& layout, const StageImage& image,
                              const std::map<std::string, std::string>& annotations) {
  const bool docker = image.docker;
  HOIST_TRY_ASSIGN(Descriptor config,
                   layout.PutBytes(image.config.raw(), std::string(docker ? kDockerConfig : kOciConfig)));
  Manifest manifest(std::string(docker ? kDockerManifest : kOciManifest), config, image.layers);
  if (!annotations.empty()) {
    if (docker) {
      // Only the media types change: the config and layer blobs are the same bytes.
      HOIST_TRY_ASSIGN(manifest, ConvertManifest(manifest, ManifestFormat::kOci));
    }
    manifest.set_annotations(annotations);
  }
  return layout.PutBytes(manifest.raw(), manifest.media_type());
}

// The config digest of a manifest in the store; nullopt when it cannot be read whole.
std::optional<Digest> ReadConfigDigest(const store::OciLayout& layout, const Descriptor& manifest) {
  auto raw = layout.ReadBlob(manifest.digest, kMaxManifestSize);
  if (!raw.ok()) return std::nullopt;
  auto any = ParseAnyManifest(std::move(raw).value(), manifest.media_type);
  if (!any.ok()) return std::nullopt;
  const auto* m = std::get_if<Manifest>(&*any);
  if (m == nullptr || !layout.HasBlob(m->config().digest)) return std::nullopt;
  for (const auto& layer : m->layers()) {
    if (!layout.HasBlob(layer.digest)) return std::nullopt;
  }
  return m->config().digest;
}

Status NameImage(store::OciLayout& layout, const Descriptor& manifest, const std::vector<Reference>& tags) {
  for (const auto& tag : tags) HOIST_TRY(layout.SetName(tag, manifest));
  if (!tags.empty()) return Ok();
  // Untagged: an unnamed index entry keeps it (like docker's dangling images) until prune --all.
  return layout.UpdateIndex([&](std::vector<Descriptor>& entries) -> Status {
    for (const auto& e : entries) {
      if (e.digest == manifest.digest) return Ok();
    }
    entries.push_back(manifest);
    return Ok();
  });
}

// The index over the images of a multi-platform build (OCI, or a Docker manifest list when the
// images have Docker media types).
Result<Descriptor> WriteIndex(store::OciLayout& layout, const std::vector<Descriptor>& manifests) {
  bool docker = false;
  for (const auto& m : manifests) docker = docker || m.media_type == kDockerManifest;
  Index index(std::string(docker ? kDockerManifestList : kOciIndex), manifests);
  return layout.PutBytes(index.raw(), index.media_type());
}

}  // namespace

Result<BuildResult> Build(store::OciLayout& layout, const BuildOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  HOIST_TRY_ASSIGN(std::vector<Platform> platforms, ParseBuildPlatforms(options.platform));
  HOIST_TRY_ASSIGN(auto lease, layout.BeginWrite());
  HOIST_TRY_ASSIGN(container::ScratchDir scratch, container::ScratchDir::Create(layout.paths().TempDir(), "build-"));

  ContextOptions context_options;
  context_options.context = options.context;
  context_options.dockerfile = options.dockerfile;
  context_options.scratch = scratch.path();
  HOIST_TRY_ASSIGN(BuildContext context, BuildContext::Open(context_options));
  HOIST_TRY_ASSIGN(dockerfile::Dockerfile file,
                   dockerfile::Parse(context.dockerfile_text(), context.dockerfile_name()));

  std::vector<PlatformPlan> plans;
  plans.reserve(platforms.size());  // sessions hold references into it
  int total = 0;
  for (const auto& platform : platforms) {
    BuildScope scope(options.build_args, PlatformArgs(platform));
    HOIST_TRY(DeclareGlobals(file, scope));
    HOIST_TRY_ASSIGN(StagePlan plan, PlanStages(file, options.target, scope));
    total += plan.steps;
    plans.push_back(PlatformPlan{platform, std::move(scope), std::move(plan)});
    HOIST_TRY(CheckRunEmulation(file, plans.back(), options.binfmt_dir));
  }

  BuildProgress progress(options.progress, options.quiet, options.progress_style);
  progress.SetTotal(total);
  BuildCache cache(layout);
  BuildResult result;
  std::map<Digest, CachedStep> used_steps;
  std::vector<Descriptor> manifests;
  for (auto& p : plans) {
    // Each platform's stages and unpacked images in a directory of their own.
    std::string dir = scratch.path() + "/" + std::to_string(manifests.size());
    if (::mkdir(dir.c_str(), 0755) != 0) return ErrnoError("create " + dir, errno);
    BuildSession session{layout, options, file, p.plan, context, p.scope, cache, progress, dir,
                         p.platform, plans.size() > 1, {}, {}, 0, {}};
    for (int index : p.plan.order) {
      HOIST_TRY_ASSIGN(BuiltStage built, BuildStage(session, index));
      session.stages.emplace(index, std::move(built));
    }
    StageImage image = session.stages.at(p.plan.target).image;
    ApplyFinalEdits(image, options, p.platform);
    Descriptor manifest;
    auto cached = options.no_cache ? std::nullopt : cache.LookupImage(image.chain);
    auto config = cached ? ReadConfigDigest(layout, *cached) : std::nullopt;
    if (cached && config) {
      manifest = *cached;
      result.config = *config;
    } else {
      HOIST_TRY_ASSIGN(manifest, WriteImage(layout, image, options.annotations));
      result.config = image.config.digest();
      HOIST_TRY(cache.StoreImage(image.chain, manifest));
    }
    manifest.platform = p.platform;
    manifests.push_back(manifest);
    used_steps.insert(session.used_steps.begin(), session.used_steps.end());
  }
  if (manifests.size() == 1) {
    result.manifest = manifests.front();
    result.manifest.platform.reset();
  } else {
    HOIST_TRY_ASSIGN(result.manifest, WriteIndex(layout, manifests));
    result.config = result.manifest.digest;  // as buildx prints a multi-platform image's ID
  }
  HOIST_TRY(NameImage(layout, result.manifest, options.tags));

  for (const auto& unused : plans.front().scope.UnusedBuildArgs()) {
    progress.Line("[Warning] build-arg " + unused + " was not consumed by any ARG");
  }
  result.cache_steps.assign(used_steps.begin(), used_steps.end());
  result.steps = progress.step();
  result.cached = progress.cached();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char timing[64];
  std::snprintf(timing, sizeof timing, " in %.2fs", result.seconds);
  progress.Line("Successfully built " + result.config.str().substr(7, 12) + timing);
  for (const auto& tag : options.tags) progress.Line("Successfully tagged " + tag.str());
  return result;
}

}  // namespace hoist::builder
