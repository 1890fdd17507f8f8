// hoist mirror plan|run|import: many images from a skopeo-sync style config into a registry or an
// air-gap bundle, and a bundle into a registry.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include <spdlog/spdlog.h>

#include "core/json_parse.h"
#include "store/oci_layout.h"
#include "tools/command.h"
#include "tools/registry_flags.h"
#include "tools/transfer_flags.h"
#include "transfer/cancel.h"
#include "transfer/mirror/bundle_export.h"
#include "transfer/mirror/bundle_import.h"
#include "transfer/mirror/bundle_split.h"
#include "transfer/mirror/mirror_run.h"

namespace hoist::tools {

namespace {

namespace mirror = transfer::mirror;

void AddMirrorOptions(cxxopts::Options& o) {
  o.add_options("Mirror")
      ("to", "Destination: docker://HOST[/PREFIX] or dir:BUNDLE", cxxopts::value<std::string>(), "DEST")
      ("jobs", "Images at once", cxxopts::value<std::string>()->default_value("8"), "N")
      ("blob-jobs", "Blobs at once within one image, at most (see below)",
       cxxopts::value<std::string>()->default_value("4"), "N")
      ("shard", "Take only shard K of N (0-based) of the image list", cxxopts::value<std::string>(), "K/N")
      ("rate", "At most N registry requests per second (retries included)", cxxopts::value<std::string>(), "N/s")
      ("since", "Bundle: leave out images and blobs listed in this earlier catalog",
       cxxopts::value<std::string>(), "CATALOG")
      ("split", "Bundle: also cut it into tar volumes of at most SIZE (e.g. 4G, 650M)",
       cxxopts::value<std::string>(), "SIZE");
  AddRegistryOptions(o);
}

Result<double> RateFlag(const cxxopts::ParseResult& a) {
  if (!a.count("rate")) return 0.0;
  std::string text = a["rate"].as<std::string>();
  if (text.size() > 2 && text.substr(text.size() - 2) == "/s") text.resize(text.size() - 2);
  int n = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || n > 100000) return UsageError("--rate needs N/s (e.g. 20/s), got \"" + text + "\"");
    n = n * 10 + (c - '0');
  }
  if (text.empty() || n < 1) return UsageError("--rate needs N/s with N at least 1");
  return static_cast<double>(n);
}

// The registry client: command-line flags, plus each config registry's tls-verify, cert-dir and
// credentials. cert-dir holds the host's files directly (skopeo's meaning), so it is offered to
// the client as <links>/<host> → cert-dir.
struct Client {
  std::unique_ptr<registry::RegistryClient> client;
  std::string links_dir;
  ~Client() {
    if (!links_dir.empty()) std::filesystem::remove_all(links_dir);
  }
};

Result<std::unique_ptr<Client>> MakeClient(const CommandContext& ctx, const mirror::MirrorConfig* config) {
  const auto& a = ctx.args;
  auto out = std::make_unique<Client>();
  HOIST_TRY_ASSIGN(registry::ClientOptions o, RegistryClientOptions(ctx));
  HOIST_TRY_ASSIGN(o.max_requests_per_second, RateFlag(a));
  for (const auto& reg : config ? config->registries : std::vector<mirror::RegistryConfig>{}) {
    if (reg.tls_verify == std::optional<bool>(false)) o.http.tls.insecure_registries.push_back(reg.host);
    if (reg.has_credentials) o.credentials[reg.host] = registry::Credential{reg.username, reg.password, ""};
    if (!reg.cert_dir.empty()) {
      if (out->links_dir.empty()) {
        std::string tmpl = (std::filesystem::temp_directory_path() / "hoist-certs-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) return ErrnoError("temp dir for cert-dir links", errno);
        out->links_dir = tmpl;
        o.http.tls.cert_dirs.insert(o.http.tls.cert_dirs.begin(), tmpl);
      }
      std::error_code ec;
      std::filesystem::create_directory_symlink(std::filesystem::absolute(reg.cert_dir), out->links_dir + "/" + reg.host, ec);
      if (ec) return IOError(reg.host + ": cert-dir " + reg.cert_dir + ": " + ec.message());
    }
  }
  out->client = std::make_unique<registry::RegistryClient>(std::move(o));
  return out;
}

void PrintProgress(const CommandContext& ctx, const mirror::ImageResult& r) {
  if (ctx.global.progress == Progress::kNone) return;
  if (ctx.global.progress == Progress::kJson) {
    std::fprintf(
        stderr, "%s\n",
        DumpJson(nlohmann::json{{"image", r.name}, {"outcome", mirror::OutcomeName(r.outcome)}, {"digest", r.digest}})
            .c_str());
    return;
  }
  std::string line = std::string(mirror::OutcomeName(r.outcome)) + " " + r.name;
  if (!r.reason.empty()) line += ": " + r.reason;
  std::fprintf(stderr, "%s\n", line.c_str());
}

int Finish(const CommandContext& ctx, const mirror::MirrorSummary& s, bool plan) {
  if (ctx.global.format == OutputFormat::kJson) {
    std::cout << DumpJson(mirror::ToJson(s), 2) << "\n";
  } else {
    std::cout << mirror::ToText(s, plan);
  }
  return s.Failed() ? kExitFailure : kExitOk;
}

Result<int> RunMirror(CommandContext& ctx) {
  const auto& a = ctx.args;
  if (ctx.positional.size() != 2) {
    return UsageError("mirror needs a subcommand and its argument: plan CONFIG, run CONFIG or import BUNDLE");
  }
  const std::string& verb = ctx.positional[0];
  if (verb != "plan" && verb != "run" && verb != "import") {
    return UsageError("unknown mirror subcommand \"" + verb + "\" (plan, run, import)");
  }
  std::optional<mirror::Target> target;
  if (a.count("to")) {
    auto t = mirror::ParseTarget(a["to"].as<std::string>());
    if (!t.ok()) return UsageError("--to " + t.error().message());
    target = *t;
  } else if (verb != "plan") {
    return UsageError("mirror " + verb + " needs --to");
  }
  mirror::MirrorOptions options;
  HOIST_TRY_ASSIGN(options.image_jobs, IntegerFlag(a, "jobs"));
  HOIST_TRY_ASSIGN(options.blob_jobs, IntegerFlag(a, "blob-jobs"));
  if (options.image_jobs < 1 || options.blob_jobs < 1) return UsageError("--jobs and --blob-jobs must be at least 1");
  options.on_image = [&ctx](const mirror::ImageResult& r) { PrintProgress(ctx, r); };
  mirror::Shard shard;
  if (a.count("shard")) {
    auto s = mirror::ParseShard(a["shard"].as<std::string>());
    if (!s.ok()) return UsageError(s.error().message());
    shard = *s;
  }
  mirror::BundleOptions bundle;
  if (a.count("since")) bundle.since = a["since"].as<std::string>();
  if (a.count("split")) {
    auto size = mirror::ParseSize(a["split"].as<std::string>());
    if (!size.ok()) return UsageError("--split: " + size.error().message());
    bundle.split_size = *size;
  }
  const bool to_bundle = target && target->kind == mirror::Target::Kind::kBundle;
  if ((bundle.split_size || !bundle.since.empty()) && !(to_bundle && verb != "import")) {
    return UsageError("--since and --split apply to a bundle: mirror plan|run CONFIG --to dir:BUNDLE");
  }
  if (verb == "import" && to_bundle) return UsageError("mirror import needs --to docker://HOST[/PREFIX]");

  // The registry client is mirror's own (the config's credentials and TLS): MakeClient below.
  HOIST_TRY_ASSIGN(EndpointSet endpoints, MakeEndpoints(ctx, /*need_registry=*/false));
  transfer::InstallInterruptHandler();

  if (verb == "import") {
    HOIST_TRY_ASSIGN(auto client, MakeClient(ctx, nullptr));
    endpoints.ep.client = client->client.get();
    HOIST_TRY_ASSIGN(auto summary, mirror::ImportBundle(ctx.positional[1], *target, endpoints.ep, options));
    endpoints.SaveCache();
    return Finish(ctx, summary, false);
  }
  HOIST_TRY_ASSIGN(mirror::MirrorConfig config, mirror::LoadMirrorConfig(ctx.positional[1]));
  HOIST_TRY_ASSIGN(auto client, MakeClient(ctx, &config));
  endpoints.ep.client = client->client.get();
  const transfer::Endpoints& ep = endpoints.ep;
  mirror::ImageList list = mirror::ResolveImages(config, ep, shard);
  mirror::MirrorSummary summary;
  if (to_bundle) {
    HOIST_TRY_ASSIGN(summary, mirror::ExportBundle(list, *target, ep, options, bundle, verb == "plan"));
  } else if (verb == "plan") {
    summary = mirror::PlanMirror(list, target ? &*target : nullptr, ep, options);
  } else {
    summary = mirror::RunMirror(list, *target, ep, options);
  }
  endpoints.SaveCache();
  if (transfer::CancelRequested()) return transfer::CancelledError();
  return Finish(ctx, summary, verb == "plan");
}

}  // namespace

const CommandSpec& MirrorCommand() {
  static const CommandSpec spec{
      "mirror", {}, "Mirror many images (skopeo sync config) into a registry or an air-gap bundle",
      "plan|run CONFIG | import BUNDLE",
      "CONFIG is skopeo sync's YAML (--src yaml) as it is: registry hosts as top-level keys, each with\n"
      "images (repository → tags or digests; [] = every tag), images-by-tag-regex, images-by-semver,\n"
      "tls-verify, cert-dir and credentials. hoist's additions go under a per-registry `hoist:` key,\n"
      "which skopeo 1.9 ignores: platforms, newest (N highest semver tags), exclude (tag regexes),\n"
      "signatures, referrers (both default true) and rewrite (source repository prefix → destination).\n"
      "\n"
      "  plan CONFIG [--to DEST]   what would move: images, new blobs, bytes; nothing is written\n"
      "  run CONFIG --to docker://HOST[/PREFIX]   registry to registry; REPO:TAG lands at\n"
      "                            HOST/PREFIX/REPO:TAG (REPO after rewrite)\n"
      "  run CONFIG --to dir:BUNDLE   an air-gap bundle: one OCI layout (blobs shared by all images),\n"
      "                            hoist-catalog.json (every image: source, name, digest) and\n"
      "                            SHA256SUMS; --split SIZE also writes BUNDLE.tar.001, .002, …;\n"
      "                            --since OLD/hoist-catalog.json leaves out what OLD already carried\n"
      "  import BUNDLE --to docker://HOST[/PREFIX]   verifies every file and digest first (BUNDLE is\n"
      "                            the directory or its first .tar.001 volume), then pushes; a bundle\n"
      "                            that fails verification pushes and tags nothing\n"
      "\n"
      "Images run in parallel (--jobs), each on its own: one failing image never stops the rest. Blob\n"
      "streams stay within the larger of --jobs and --blob-jobs, shared by the images at once: many\n"
      "small images copy one blob each at a time, a few large ones up to --blob-jobs blobs each.\n"
      "Signatures and referrers are found in each repository's tag list, read once per run. An image\n"
      "whose destination already points at the same digest (and whose signature tags match) is\n"
      "skipped after a manifest HEAD (none when its tag is not there yet), so a no-change run is\n"
      "fast. Interrupted? Run it again: finished images are skipped and blobs already there are not\n"
      "sent again.\n"
      "--shard K/N keeps the images whose name hashes to K (0-based) of N, so N machines (e.g. a\n"
      "Kubernetes Indexed Job with --shard $JOB_COMPLETION_INDEX/N) share one mirror without a\n"
      "coordinator. --rate N/s caps registry requests; 429 Retry-After is always honoured.\n"
      "\n"
      "Exit codes: 0 every image copied or up to date; 1 some image failed (the summary says which);\n"
      "2 usage; 3 not found; 4 auth; 5 digest mismatch (a tampered bundle); 6 network; 130 interrupted.",
      "  hoist mirror plan sync.yaml --to docker://registry.internal/mirror\n"
      "  hoist mirror run sync.yaml --to docker://registry.internal/mirror --jobs 16\n"
      "  hoist mirror run sync.yaml --to dir:/media/bundle --split 4G\n"
      "  hoist mirror run sync.yaml --to dir:/media/next --since /media/bundle/hoist-catalog.json\n"
      "  hoist mirror import /media/bundle --to docker://registry.airgap/mirror\n"
      "  hoist --format json mirror run sync.yaml --to docker://r.internal --shard 2/8 --rate 20/s",
      AddMirrorOptions, RunMirror};
  return spec;
}

}  // namespace hoist::tools
