// `hoist build`: a Dockerfile and its context into an image in the local store (builder/).

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "builder/base_images.h"
#include "builder/builder.h"
#include "builder/cache_artifact.h"
#include "builder/docker_archive_output.h"
#include "container/commit.h"
#include "container/image_transfer.h"
#include "core/fs.h"
#include "core/json_parse.h"
#include "core/output_file.h"
#include "edit/config_changes.h"
#include "store/import.h"
#include "tools/build_flags.h"
#include "tools/command.h"
#include "tools/registry_flags.h"
#include "tools/store_flags.h"
#include "tools/transfer_flags.h"
#include "transfer/cancel.h"
#include "transfer/endpoints.h"
#include "transfer/location.h"

namespace hoist::tools {

namespace {

void AddBuildOptions(cxxopts::Options& o) {
  o.add_options()
      ("f,file", "The Dockerfile (default: CONTEXT/Dockerfile; - reads it from stdin)", cxxopts::value<std::string>(),
       "FILE")
      ("t,tag", "Name the image NAME in the store (repeatable)", cxxopts::value<std::string>(), "NAME")
      ("build-arg", "Set an ARG (NAME=VALUE, or NAME to pass our environment's value); repeatable",
       cxxopts::value<std::string>(), "NAME=VALUE")
      ("target", "Build this stage (and what it needs) instead of the last", cxxopts::value<std::string>(), "STAGE")
      ("no-cache", "Run every step, ignoring cached results (they are still recorded)")
      ("allow", "Grant an entitlement: security.insecure lets RUN --security=insecure run a step unconfined "
                "(as `hoist run --privileged`); network.host is accepted (RUN has the host network anyway)",
       cxxopts::value<std::string>(), "ENTITLEMENT")
      ("platform", "Build for this platform, or for each of a comma-separated list (one image per platform and an "
                   "index over them); RUN steps of another architecture run through qemu-user-static (binfmt_misc)",
       cxxopts::value<std::string>(), "OS/ARCH[/VARIANT][,…]")
      ("timestamp", "Creation time and latest file time, in seconds since the epoch (default: SOURCE_DATE_EPOCH "
                    "when set); makes the image digest reproducible",
       cxxopts::value<std::string>(), "SECONDS")
      ("q,quiet", "Print only the image ID (RUN output only when a step fails)")
      ("iidfile", "Write the image ID to FILE", cxxopts::value<std::string>(), "FILE")
      ("label", "Set a label on the image (KEY=VALUE; repeatable)", cxxopts::value<std::string>(), "KEY=VALUE")
      ("annotation", "Set an annotation on the image's manifest (KEY=VALUE, or manifest:KEY=VALUE; repeatable); "
                     "an image with Docker media types is written with OCI ones",
       cxxopts::value<std::string>(), "KEY=VALUE")
      ("network", "The network of RUN steps that do not set RUN --network: default (the host's), host or none",
       cxxopts::value<std::string>(), "MODE")
      ("pull", "Fetch every FROM image from its registry again, even one the store has")
      ("cache-from", "Import a step cache exported by --cache-to before building: REF, oci:DIR[:NAME], "
                     "type=registry,ref=REF or type=local,src=DIR (repeatable; one that is missing is a warning)",
       cxxopts::value<std::string>(), "CACHE")
      ("cache-to", "Export the steps this build used as a cache artifact: REF, oci:DIR[:NAME], "
                   "type=registry,ref=REF or type=local,dest=DIR",
       cxxopts::value<std::string>(), "CACHE")
      ("secret", "A secret for RUN --mount=type=secret,id=ID: id=ID,src=FILE or id=ID,env=VAR (repeatable); "
                 "never stored in the image, the cache or the history",
       cxxopts::value<std::string>(), "SECRET")
      ("ssh", "An ssh agent for RUN --mount=type=ssh: default (SSH_AUTH_SOCK) or ID=SOCKET (repeatable)",
       cxxopts::value<std::string>(), "ID[=SOCKET]")
      ("push", "Push every -t name to its registry when the build is done")
      ("output", "Also write the image to oci-archive:FILE or docker-archive:FILE (named by its :REF, else the "
                 "first -t)", cxxopts::value<std::string>(), "LOCATION");
  AddCompressionOptions(o, "Compress the layers of --push and --output oci-archive: gzip, zstd or none");
  AddRegistryOptions(o);
}

Result<std::map<std::string, std::string>> BuildArgs(const CommandContext& ctx) {
  std::map<std::string, std::string> args;
  for (const auto& a : RepeatedFlag(ctx.args, "build-arg")) {
    auto eq = a.find('=');
    std::string key = a.substr(0, eq);
    if (key.empty()) return UsageError("--build-arg needs NAME=VALUE, got \"" + a + "\"");
    if (eq != std::string::npos) {
      args[key] = a.substr(eq + 1);
    } else if (const char* v = std::getenv(key.c_str())) {
      args[key] = v;
    }
  }
  return args;
}

// Repeated KEY=VALUE flags (--label, --annotation); a bare KEY sets "". `prefix` ("manifest:") may
// lead a pair, as buildx writes an annotation's target.
Result<std::map<std::string, std::string>> KeyValues(const CommandContext& ctx, const std::string& flag,
                                                     std::string_view prefix = "") {
  std::map<std::string, std::string> out;
  for (std::string a : RepeatedFlag(ctx.args, flag)) {
    if (!prefix.empty() && a.rfind(prefix, 0) == 0) a.erase(0, prefix.size());
    auto kv = edit::ParseKeyValue(a, "--" + flag, /*bare_key=*/true);
    if (!kv.ok()) return UsageError(kv.error().message());
    out[kv->first] = kv->second;
  }
  return out;
}

Result<std::optional<container::SandboxOptions::Network>> NetworkFlag(const CommandContext& ctx) {
  if (!ctx.args.count("network")) return std::optional<container::SandboxOptions::Network>();
  const std::string v = ctx.args["network"].as<std::string>();
  if (v == "none") return std::optional(container::SandboxOptions::Network::kNone);
  if (v == "host" || v == "default") return std::optional(container::SandboxOptions::Network::kHost);
  return UsageError("--network takes default, host or none, got \"" + v + "\"");
}

Result<transfer::Location> OutputLocation(const CommandContext& ctx) {
  const std::string text = ctx.args["output"].as<std::string>();
  auto loc = transfer::ParseLocation(text, {.allow_store = false, .default_tag = true});
  if (!loc.ok() ||
      (loc->kind != transfer::LocationKind::kOciArchive && loc->kind != transfer::LocationKind::kDockerArchive)) {
    return UsageError("--output takes oci-archive:FILE or docker-archive:FILE, got \"" + text + "\"");
  }
  if (loc->path == "-") return UsageError("--output needs a file: standard output carries the image ID");
  return loc;
}

// ADD URL downloads use the registry flags' TLS settings and retries, with hoist's HTTP stack.
Result<transfer::UrlFetchOptions> FetchOptions(const CommandContext& ctx) {
  HOIST_TRY_ASSIGN(registry::ClientOptions client, RegistryClientOptions(ctx));
  transfer::UrlFetchOptions o;
  o.http = client.http;
  o.retry = client.retry;
  return o;
}

transfer::ProgressMode ModeOf(Progress p, bool quiet) {
  if (quiet) return transfer::ProgressMode::kNone;
  switch (p) {
    case Progress::kTty: return transfer::ProgressMode::kTty;
    case Progress::kJson: return transfer::ProgressMode::kJson;
    case Progress::kNone: return transfer::ProgressMode::kNone;
    default: return transfer::ProgressMode::kPlain;
  }
}

// --progress: plain is BuildKit's plain lines, tty its in-place display (plain when stderr is not a
// terminal); auto keeps docker build's classic steps.
builder::ProgressStyle StyleOf(Progress p) {
  if (p == Progress::kPlain) return builder::ProgressStyle::kPlain;
  if (p == Progress::kTty) {
    return ::isatty(STDERR_FILENO) ? builder::ProgressStyle::kTty : builder::ProgressStyle::kPlain;
  }
  return builder::ProgressStyle::kClassic;
}

// The registry side, made on first use: a build from store images never touches the network.
struct Transfers {
  const CommandContext& ctx;
  bool quiet;
  std::vector<Platform> platforms;  // what the build is for
  std::optional<EndpointSet> set;

  Result<transfer::Endpoints*> Get(bool need_registry) {
    if (!set) {
      // As push: a large layer's upload saves where it stands, so the same build run again (its
      // steps cached, its layers the same) continues an interrupted --push, --output or --cache-to.
      HOIST_TRY_ASSIGN(set, MakeEndpoints(ctx, need_registry));
    }
    if (need_registry && !set->client) {
      HOIST_TRY_ASSIGN(set->client, MakeRegistryClient(ctx));
      set->ep.client = set->client.get();
    }
    return &set->ep;
  }
  // A base image comes with its images for every platform of the build at once, so the store's name
  // keeps them all (pulling one platform at a time would rename it to the last one).
  Status Pull(const Reference& image, const Platform& platform) {
    HOIST_TRY_ASSIGN(auto* e, Get(true));
    transfer::ProgressReporter progress(ModeOf(ctx.global.progress, quiet), stderr);
    std::vector<Platform> want = {platform};
    for (const auto& p : platforms) {
      if (!(p == platform)) want.push_back(p);
    }
    transfer::InterruptScope interrupts;  // Ctrl-C stops the pull cleanly, resumable
    auto st = container::PullIntoStore(*e, image, &progress, want);
    progress.End();
    return st;
  }
  // --cache-from: a missing or unreadable cache is a warning, as BuildKit's; the build goes on.
  void ImportCache(store::OciLayout& layout, const transfer::Location& from) {
    auto run = [&]() -> Result<size_t> {
      HOIST_TRY_ASSIGN(auto* e, Get(from.kind == transfer::LocationKind::kRegistry));
      HOIST_TRY_ASSIGN(auto source, transfer::OpenSource(from, *e));
      HOIST_TRY_ASSIGN(auto lease, layout.BeginWrite());
      return builder::ImportCacheArtifact(layout, *source);
    };
    auto imported = run();
    if (!imported.ok()) {
      std::fprintf(stderr, "[Warning] --cache-from %s: %s\n", from.str().c_str(), imported.error().ToString().c_str());
    } else if (!quiet) {
      std::fprintf(stderr, "Imported %zu cached steps from %s\n", *imported, from.str().c_str());
    }
  }
  Status ExportCache(store::OciLayout& layout, const builder::BuildResult& result,
                     const transfer::Location& to) {
    std::map<Digest, builder::CachedStep> steps(result.cache_steps.begin(), result.cache_steps.end());
    HOIST_TRY_ASSIGN(Descriptor artifact, builder::WriteCacheArtifact(layout, steps));
    auto st = Copy(Reference::Parse("localhost/hoist-build-cache@" + artifact.digest.str()).value(), to);
    if (!st.ok()) return std::move(st).error().WithContext("--cache-to " + to.str());
    return Ok();
  }
  Status Copy(const Reference& source, const transfer::Location& dst, bool whole_index = false,
              const transfer::LayerCompressionChoice& compression = {}) {
    HOIST_TRY_ASSIGN(auto* e, Get(dst.kind == transfer::LocationKind::kRegistry));
    transfer::ProgressReporter progress(ModeOf(ctx.global.progress, quiet), stderr);
    progress.SetLabels(dst.kind == transfer::LocationKind::kRegistry ? transfer::PushLabels() : transfer::CopyLabels());
    transfer::InterruptScope interrupts;  // Ctrl-C stops the upload cleanly, resumable
    auto st = container::CopyFromStore(*e, source, dst, &progress, whole_index, compression);
    progress.End();
    return st;
  }
};

Result<int> RunBuild(CommandContext& ctx) {
  if (ctx.positional.size() != 1) return UsageError("build needs exactly one CONTEXT (a directory, or - for a tar)");
  builder::BuildOptions options;
  options.context = ctx.positional[0];
  if (ctx.args.count("file")) options.dockerfile = ctx.args["file"].as<std::string>();
  for (const auto& t : RepeatedFlag(ctx.args, "tag")) {
    HOIST_TRY_ASSIGN(Reference ref, ParseStoreReference(t));
    if (ref.digest()) return UsageError("-t names an image with a tag, not a digest: " + t);
    options.tags.push_back(ref);
  }
  HOIST_TRY_ASSIGN(options.build_args, BuildArgs(ctx));
  if (ctx.args.count("target")) options.target = ctx.args["target"].as<std::string>();
  if (ctx.args.count("platform")) options.platform = ctx.args["platform"].as<std::string>();
  options.no_cache = ctx.args.count("no-cache") > 0;
  for (const auto& a : RepeatedFlag(ctx.args, "allow")) {
    if (a == "security.insecure") {
      options.allow_insecure = true;
    } else if (a != "network.host") {
      return UsageError("--allow takes security.insecure or network.host, got \"" + a + "\"");
    }
  }
  HOIST_TRY_ASSIGN(options.labels, KeyValues(ctx, "label"));
  HOIST_TRY_ASSIGN(options.annotations, KeyValues(ctx, "annotation", "manifest:"));
  HOIST_TRY_ASSIGN(options.network, NetworkFlag(ctx));
  options.pull_always = ctx.args.count("pull") > 0;
  for (const auto& v : RepeatedFlag(ctx.args, "secret")) {
    HOIST_TRY_ASSIGN(auto secret, ParseSecretFlag(v));
    options.secrets[secret.first] = std::move(secret.second);
  }
  for (const auto& v : RepeatedFlag(ctx.args, "ssh")) {
    HOIST_TRY_ASSIGN(auto agent, ParseSshFlag(v));
    options.ssh_agents[agent.first] = std::move(agent.second);
  }
  options.quiet = ctx.args.count("quiet") > 0;
  options.progress_style = StyleOf(ctx.global.progress);
  HOIST_TRY_ASSIGN(options.timestamp, TimestampFlag(ctx));
  HOIST_TRY_ASSIGN(options.fetch, FetchOptions(ctx));
  const bool push = ctx.args.count("push") > 0;
  if (push && options.tags.empty()) return UsageError("--push needs at least one -t NAME");
  std::optional<transfer::Location> output;
  if (ctx.args.count("output")) {
    HOIST_TRY_ASSIGN(output, OutputLocation(ctx));
  }
  // The store keeps the layers as built; --compress applies where the image goes on to.
  HOIST_TRY_ASSIGN(transfer::LayerCompressionChoice compression, ReadCompressionChoice(ctx));
  const bool oci_output = output && output->kind == transfer::LocationKind::kOciArchive;
  if (compression.target && !push && !oci_output) {
    return UsageError("--compress applies to --push and --output oci-archive:FILE (the store keeps the layers as "
                      "built, and a docker archive holds them uncompressed)");
  }

  std::vector<transfer::Location> cache_from;
  for (const auto& c : RepeatedFlag(ctx.args, "cache-from")) {
    HOIST_TRY_ASSIGN(auto loc, ParseCacheLocation(c, /*to=*/false));
    cache_from.push_back(std::move(loc));
  }
  std::optional<transfer::Location> cache_to;
  if (ctx.args.count("cache-to")) {
    HOIST_TRY_ASSIGN(cache_to, ParseCacheLocation(ctx.args["cache-to"].as<std::string>(), /*to=*/true));
  }

  auto parsed_platforms = builder::ParseBuildPlatforms(options.platform);
  if (!parsed_platforms.ok()) return UsageError(parsed_platforms.error().ToString());  // exit 2, as run --platform
  const std::vector<Platform> platforms = std::move(parsed_platforms).value();
  const bool multi_platform = platforms.size() > 1;
  if (multi_platform && output && output->kind == transfer::LocationKind::kDockerArchive) {
    return UsageError("--output docker-archive: holds one platform's image; a multi-platform build needs "
                      "oci-archive:FILE");
  }
  Transfers transfers{ctx, options.quiet, platforms, std::nullopt};
  options.pull = [&](const Reference& image, const Platform& platform) { return transfers.Pull(image, platform); };
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kWrite));
  for (const auto& from : cache_from) transfers.ImportCache(layout, from);
  HOIST_TRY_ASSIGN(auto result, builder::Build(layout, options));

  if (ctx.args.count("iidfile")) {
    HOIST_TRY(WriteOutputFile(ctx.args["iidfile"].as<std::string>(), result.config.str()));
  }
  // The built image as a store reference: its first name, else its digest.
  Reference built = options.tags.empty() ? Reference::Parse("localhost/hoist-build@" + result.manifest.digest.str()).value()
                                         : options.tags.front();
  if (output && output->kind == transfer::LocationKind::kDockerArchive) {
    // Named by docker-archive:FILE:REF, else by the first -t name, else unnamed (an image ID).
    std::optional<Reference> name = output->ref;
    if (!name && !options.tags.empty()) name = options.tags.front();
    HOIST_TRY(builder::WriteDockerArchive(layout, result.manifest, name, output->path));
  } else if (output) {
    HOIST_TRY(transfers.Copy(built, *output, multi_platform, compression));
  }
  if (cache_to) HOIST_TRY(transfers.ExportCache(layout, result, *cache_to));
  if (push) {
    for (const auto& tag : options.tags) {
      transfer::Location dst;
      dst.kind = transfer::LocationKind::kRegistry;
      dst.ref = tag;
      HOIST_TRY(transfers.Copy(tag, dst, multi_platform, compression));
    }
  }
  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::json tags = nlohmann::json::array();
    for (const auto& t : options.tags) tags.push_back(t.str());
    std::cout << DumpJson(nlohmann::json{{"Id", result.config.str()},
                                         {"Digest", result.manifest.digest.str()},
                                         {"Tags", tags},
                                         {"Steps", result.steps},
                                         {"Cached", result.cached},
                                         {"Seconds", result.seconds}},
                          2)
              << "\n";
  } else {
    std::cout << result.config.str() << "\n";
  }
  return kExitOk;
}

}  // namespace

const CommandSpec& BuildCommand() {
  static const CommandSpec spec{
      "build", {}, "Build an image from a Dockerfile, without a daemon", "CONTEXT",
      "Builds the Dockerfile in CONTEXT (a directory, or - for a tar on stdin; -f picks another file)\n"
      "into an image in the local store, and prints its image ID. Progress goes to stderr as docker\n"
      "build shows it (Step n/N, each command's output, timings). FROM takes a store image, scratch,\n"
      "or a registry image (pulled into the store when missing). RUN runs in the same sandbox as\n"
      "`hoist run`, confined as it confines (see `hoist run --help`; --network=none|host|default);\n"
      "RUN --security=insecure runs a step unconfined and is refused unless --allow security.insecure\n"
      "is given, as BuildKit's entitlement. Multi-stage builds build only the stages the target\n"
      "(--target, else the last) needs. .dockerignore in CONTEXT hides files from COPY and ADD.\n"
      "\n"
      "Every RUN, COPY, ADD and WORKDIR step is cached in the store: a rebuild reuses each step whose\n"
      "parent, instruction and (for COPY/ADD) source files are unchanged and prints CACHED for it,\n"
      "without unpacking anything. --no-cache runs every step. With SOURCE_DATE_EPOCH (or --timestamp)\n"
      "the same Dockerfile and context give the same image digest on any machine and day.\n"
      "\n"
      "ADD unpacks local tar archives (plain, gzip, zstd, bzip2, xz). ADD URL DEST downloads the file\n"
      "(redirects followed, proxies from the environment, TLS as set by the registry flags, never any\n"
      "credentials) as the URL's last path component, mode 0600, mtime from Last-Modified; it is never\n"
      "unpacked. ADD --checksum=sha256:HEX URL DEST refuses other content (exit code 5) and is cached by\n"
      "the checksum alone; without it the file is fetched on every build and cached by its content.\n"
      "--output writes the image also to oci-archive:FILE or docker-archive:FILE (as `hoist save`\n"
      "writes it; named by FILE:REF, else the first -t). Names (-t) are set only when the build\n"
      "succeeded. A base image's ONBUILD triggers run right after its FROM (and are not passed on).\n"
      "--label sets labels on the final image, --annotation annotations on its manifest; both leave\n"
      "every step cached. --pull fetches each FROM image again, so a moved tag is seen. --network sets\n"
      "RUN steps' network (default: the host's, as docker's default bridge reaches out too).\n"
      "--cache-to exports the step records this build used (and their layers) as one OCI artifact\n"
      "(hoist's format, documented in the README) to a registry or an OCI layout; --cache-from imports\n"
      "one before building, so a fresh machine reuses those steps. Only import caches you trust.\n"
      "ADD URL#REF[:SUBDIR] DEST clones a git repository (git@host:path, git://, ssh://, or an http(s)\n"
      "URL ending in .git) and copies its tree at REF, without .git unless --keep-git-dir.\n"
      "--compress gzip|zstd|none, --compression-level N and --force-compression apply to --push and\n"
      "--output oci-archive as they do to `hoist copy` (the store keeps the layers as built; a\n"
      "docker-archive output holds them uncompressed).\n"
      "RUN --mount=type=cache|secret|bind|tmpfs|ssh as BuildKit: caches live under the store, secrets\n"
      "(--secret id=ID,src=FILE|env=VAR) are mounted 0400 and never reach a layer, the history or the\n"
      "cache key, --ssh forwards an agent.\n"
      "\n"
      "--platform linux/arm64 builds for another platform, --platform linux/amd64,linux/arm64 one image per\n"
      "platform and an OCI index over them (named by -t, pushed whole by --push). FROM takes each platform's\n"
      "image; TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT, BUILDPLATFORM, BUILDOS and BUILDARCH are\n"
      "set as BuildKit sets them. RUN steps of another architecture run through qemu-user-static: the kernel\n"
      "needs a binfmt_misc handler with the F flag (apt-get install qemu-user-static); hoist build says how\n"
      "to get it before running anything when it is missing. COPY and ADD need no emulation.\n"
      "--progress plain prints BuildKit's plain lines (#N [k/n] STEP, #N 0.215 OUTPUT, #N DONE 0.3s, #N CACHED),\n"
      "--progress tty redraws each step's line in place on a terminal; the default prints docker build's\n"
      "Step n/N.",
      "  hoist build -t example.com/app:1 .\n"
      "  hoist build -f docker/Dockerfile.prod --build-arg VERSION=2.1 --target runtime -t app:2 .\n"
      "  SOURCE_DATE_EPOCH=1700000000 hoist build -q --iidfile id.txt -t app:repro .\n"
      "  tar -C ctx -c . | hoist build -t app:1 -\n"
      "  hoist build -t localhost:5000/app:1 --push --output oci-archive:app.tar .\n"
      "  hoist build -t app:1 --output docker-archive:app.tar . && docker load -i app.tar\n"
      "  hoist build --pull --network none --label org.opencontainers.image.version=1.2 -t app:1 .\n"
      "  hoist build --cache-from reg.example/app:buildcache --cache-to reg.example/app:buildcache -t app:1 .\n"
      "  hoist build --secret id=npmrc,src=$HOME/.npmrc --ssh default -t app:1 .\n"
      "  hoist build --platform linux/amd64,linux/arm64 -t localhost:5000/app:1 --push .\n"
      "  hoist build --progress plain -t app:1 .",
      AddBuildOptions, RunBuild};
  return spec;
}

}  // namespace hoist::tools
