#include "build/builder/builder.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "build/builder/base_images.h"
#include "build/builder/build_session.h"
#include "build/dockerfile/expand.h"
#include "build/root_dir.h"
#include "build/scratch_dir.h"
#include "core/fs.h"
#include "core/manifest_convert.h"
#include "core/media_types.h"

namespace hoist::build::builder {

namespace {

std::map<std::string, std::string> PlatformArgs() {
  Platform host = Platform::Host();
  std::string platform = host.str();
  return {{"TARGETPLATFORM", platform}, {"TARGETOS", host.os},       {"TARGETARCH", host.architecture},
          {"TARGETVARIANT", host.variant}, {"BUILDPLATFORM", platform}, {"BUILDOS", host.os},
          {"BUILDARCH", host.architecture}, {"BUILDVARIANT", host.variant}};
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
void ApplyFinalEdits(StageImage& image, const BuildOptions& options) {
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

}  // namespace

Result<BuildResult> Build(store::OciLayout& layout, const BuildOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  HOIST_TRY(CheckNativePlatform(options.platform, "--platform"));
  HOIST_TRY_ASSIGN(auto lease, layout.BeginWrite());
  HOIST_TRY_ASSIGN(ScratchDir scratch, ScratchDir::Create(layout.paths().TempDir(), "build-"));

  ContextOptions context_options;
  context_options.context = options.context;
  context_options.dockerfile = options.dockerfile;
  context_options.scratch = scratch.path();
  HOIST_TRY_ASSIGN(BuildContext context, BuildContext::Open(context_options));
  HOIST_TRY_ASSIGN(dockerfile::Dockerfile file,
                   dockerfile::Parse(context.dockerfile_text(), context.dockerfile_name()));

  BuildScope scope(options.build_args, PlatformArgs());
  HOIST_TRY(DeclareGlobals(file, scope));
  HOIST_TRY_ASSIGN(StagePlan plan, PlanStages(file, options.target, scope));

  BuildProgress progress(options.progress, options.quiet);
  progress.SetTotal(plan.steps);
  BuildCache cache(layout);
  BuildSession session{layout, options, file, plan, context, scope, cache, progress, scratch.path(), {}, {}, 0, {}};
  for (int index : plan.order) {
    HOIST_TRY_ASSIGN(BuiltStage built, BuildStage(session, index));
    session.stages.emplace(index, std::move(built));
  }

  StageImage image = session.stages.at(plan.target).image;
  ApplyFinalEdits(image, options);
  BuildResult result;
  auto cached = options.no_cache ? std::nullopt : cache.LookupImage(image.chain);
  auto config = cached ? ReadConfigDigest(layout, *cached) : std::nullopt;
  if (cached && config) {
    result.manifest = *cached;
    result.config = *config;
  } else {
    HOIST_TRY_ASSIGN(result.manifest, WriteImage(layout, image, options.annotations));
    result.config = image.config.digest();
    HOIST_TRY(cache.StoreImage(image.chain, result.manifest));
  }
  HOIST_TRY(NameImage(layout, result.manifest, options.tags));

  for (const auto& unused : scope.UnusedBuildArgs()) {
    progress.Line("[Warning] build-arg " + unused + " was not consumed by any ARG");
  }
  result.cache_steps.assign(session.used_steps.begin(), session.used_steps.end());
  result.steps = progress.step();
  result.cached = progress.cached();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char timing[64];
  std::snprintf(timing, sizeof timing, " in %.2fs", result.seconds);
  progress.Line("Successfully built " + result.config.str().substr(7, 12) + timing);
  for (const auto& tag : options.tags) progress.Line("Successfully tagged " + tag.str());
  return result;
}

}  // namespace hoist::build::builder
