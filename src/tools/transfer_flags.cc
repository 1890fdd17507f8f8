#include "tools/transfer_flags.h"

#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/human_size.h"
#include "core/json_parse.h"
#include "core/terminal_text.h"
#include "store/layout_paths.h"
#include "store/oci_layout.h"
#include "tools/content_trust.h"
#include "tools/registry_flags.h"
#include "tools/transfer_errors.h"
#include "transfer/cancel.h"
#include "transfer/copy.h"
#include "transfer/docker_archive_destination.h"
#include "transfer/endpoints.h"
#include "transfer/progress.h"

namespace hoist::tools {

const char* const kTransferHelp =
    "Blobs already at the destination are not sent again (a repeated copy moves no blob bytes);\n"
    "blobs seen in another repository of the same registry are mounted. Every blob is verified\n"
    "against its digest on the way; manifests are copied byte for byte, so digests stay the same.\n"
    "Interrupted (Ctrl-C, a lost network, a killed process)? Run the same command again: partial\n"
    "downloads and open upload sessions are continued from where they stopped.\n"
    "Signatures and attestations (cosign sha256-<hex>.sig/.att/.sbom tags) and referrers travel\n"
    "with the image unless --no-signatures is given.\n"
    "\n"
    "--format oci|v2s2 converts the manifests to OCI or Docker schema 2 media types on the way (as\n"
    "skopeo's --format): blobs and the image ID stay, the manifest digest changes, signatures of the\n"
    "old digest are left behind. Docker schema 2 has no zstd layers and no artifacts: those are refused.\n"
    "\n"
    "--compress gzip|zstd|none compresses uncompressed layers so on the way; --force-compression also\n"
    "recompresses layers compressed otherwise; --compression-level N (gzip 0..9, zstd 1..19). diff_ids\n"
    "stay; digests change, the same for the same input and level.\n"
    "\n"
    "Content trust: --verify-key PUB or --policy FILE (containers-policy.json, as skopeo and podman\n"
    "read it) checks the source's cosign signatures before anything moves, and the copy then reads\n"
    "exactly the digest that was checked. --sign-key KEY (or $HOIST_SIGN_KEY) signs what arrived.\n"
    "HOIST_CONTENT_TRUST=1 (or DOCKER_CONTENT_TRUST=1) makes pull and copy refuse images without a\n"
    "valid signature (the policy: --verify-key, --policy, else policy.json in ~/.config/containers\n"
    "or /etc/containers; accepting anything is not enough) and makes push sign (--sign-key or\n"
    "$HOIST_SIGN_KEY required). A refused image exits with 4 and nothing is written.";

const char* const kCompressionHelp =
    "--compress gzip|zstd|none (skopeo's --dest-compress-format) compresses uncompressed layers so on the\n"
    "way; --force-compression also recompresses layers compressed otherwise (zstd needs OCI manifests:\n"
    "add --format oci for Docker schema 2 images). --compression-level N: gzip 0..9 (default: ISA-L's fast\n"
    "gzip), zstd 1..19 (default 3). diff_ids stay; layer and manifest digests change, the same for the\n"
    "same input and level.";

void AddCompressionOptions(cxxopts::Options& o, const char* compress_help) {
  o.add_options("Compression")
      ("compress", compress_help, cxxopts::value<std::string>(), "FORMAT")
      ("compression-level", "Compression level (gzip 0..9, zstd 1..19)", cxxopts::value<std::string>(), "N")
      ("force-compression", "Recompress layers compressed in another format too");
}

Result<transfer::LayerCompressionChoice> ReadCompressionChoice(const CommandContext& ctx,
                                                               std::optional<Compression> implied) {
  const auto& a = ctx.args;
  transfer::LayerCompressionChoice c;
  if (a.count("compress")) {
    const std::string name = a["compress"].as<std::string>();
    if (name == "gzip") c.target = Compression::kGzip;
    else if (name == "zstd") c.target = Compression::kZstd;
    else if (name == "none") c.target = Compression::kNone;
    else return UsageError("--compress must be gzip, zstd or none (got \"" + name + "\")");
  }
  const std::optional<Compression> target = c.target ? c.target : implied;
  if (a.count("compression-level")) {
    if (!target || *target == Compression::kNone) {
      return UsageError("--compression-level needs --compress gzip or --compress zstd");
    }
    HOIST_TRY_ASSIGN(int level, IntegerFlag(a, "compression-level"));
    const bool gzip = *target == Compression::kGzip;
    if (level < (gzip ? 0 : 1) || level > (gzip ? 9 : 19)) {
      return UsageError(std::string("--compression-level for ") + (gzip ? "gzip must be 0..9" : "zstd must be 1..19") +
                        " (got " + std::to_string(level) + ")");
    }
    c.level = level;
  }
  c.force = a.count("force-compression") > 0;
  if (c.force && !target) return UsageError("--force-compression needs --compress FORMAT");
  return c;
}

Result<EndpointSet> MakeEndpoints(const CommandContext& ctx, bool need_registry) {
  EndpointSet s;
  if (need_registry) {
    HOIST_TRY_ASSIGN(s.client, MakeRegistryClient(ctx));
  }
  const std::string store_path = store::DefaultStorePath(ctx.global.store);
  store::LayoutPaths paths(store_path);
  s.cache = std::make_unique<transfer::BlobInfoCache>(paths.PrivateDir() + "/blob-locations.json");
  s.cache->Load();
  s.resume = std::make_unique<transfer::ResumeState>(paths.ResumeDir());
  s.ep = transfer::Endpoints{s.client.get(), store_path, s.cache.get(), s.resume.get()};
  s.temp_dir = paths.TempDir();
  return s;
}

void AddTransferOptions(cxxopts::Options& o) {
  o.add_options("Transfer")
      ("all", "Copy every image of a multi-platform index")
      ("platform", "Copy only the image for this platform (repeatable)", cxxopts::value<std::vector<std::string>>(),
       "OS/ARCH[/VARIANT]")
      ("all-tags", "Copy every tag of the repository")
      ("jobs", "Blobs in flight at once", cxxopts::value<std::string>()->default_value("8"), "N")
      ("no-signatures", "Do not copy signatures, attestations and referrers");
  AddCompressionOptions(o);
  AddContentTrustOptions(o);
  AddRegistryOptions(o);
}

transfer::ProgressMode ProgressModeOf(Progress p) {
  switch (p) {
    case Progress::kTty: return transfer::ProgressMode::kTty;
    case Progress::kPlain: return transfer::ProgressMode::kPlain;
    case Progress::kJson: return transfer::ProgressMode::kJson;
    case Progress::kNone: return transfer::ProgressMode::kNone;
    default: return transfer::ProgressMode::kAuto;
  }
}

namespace {

using transfer::Location;
using transfer::LocationKind;

Result<transfer::PlatformSelection> ReadPlatforms(const cxxopts::ParseResult& a, PlatformDefault def) {
  transfer::PlatformSelection sel;
  if (a.count("all") && a.count("platform")) return UsageError("--all and --platform cannot be used together");
  if (a.count("platform")) {
    sel.all = false;
    sel.requested = true;
    for (const auto& text : a["platform"].as<std::vector<std::string>>()) {
      auto p = Platform::Parse(text);
      if (!p.ok()) return UsageError("--platform: " + p.error().message());
      sel.platforms.push_back(*p);
    }
  } else if (!a.count("all") && def == PlatformDefault::kHost) {
    sel.all = false;
    sel.platforms.push_back(Platform::Host());
  }
  return sel;
}

void PrintReport(const CommandContext& ctx, const std::vector<transfer::CopyReport>& reports,
                 const transfer::CopyReport& total, bool notes_shown) {
  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::json images = nlohmann::json::array();
    for (const auto& r : reports) {
      images.push_back({{"source", r.source},
                        {"destination", r.destination},
                        {"digest", r.image.digest.str()},
                        {"media_type", r.image.media_type}});
    }
    nlohmann::json out = {{"images", images},       {"manifests", total.manifests}, {"copied", total.copied},
                          {"reused", total.reused}, {"mounted", total.mounted},     {"bytes", total.bytes},
                          {"seconds", total.seconds}, {"notes", total.notes}};
    std::cout << DumpJson(out, 2) << "\n";
    return;
  }
  if (!notes_shown) {  // the progress output says them otherwise (a new digest must never go unsaid)
    for (const auto& n : total.notes) std::cerr << "note: " << EscapeForTerminal(n) << "\n";
  }
  for (const auto& r : reports) {
    std::cout << r.destination << ": " << r.image.digest.str() << "\n";
  }
  std::cout << total.copied << " blobs copied, " << total.reused << " already there, " << total.mounted
            << " mounted; " << HumanSize(total.bytes) << " in ";
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f s", total.seconds);
  std::cout << secs << "\n";
}

// One line naming the image once: pull and push name the reference, copy both ends.
Error ShapeError(Error e, TrustRole role, const Location& source, const Location& destination) {
  if (!e.context().empty() && e.context().front() == "usage") return e;
  std::vector<std::string> names = {source.str(), destination.str()};
  for (const Location* l : {&source, &destination}) {
    if (l->ref) names.insert(names.end(), {l->ref->str(), l->ref->name(), l->ref->Familiar()});
  }
  std::string action;
  switch (role) {
    case TrustRole::kPull: action = "pull " + (source.ref ? source.ref->str() : source.str()); break;
    case TrustRole::kPush: action = "push " + (destination.ref ? destination.ref->str() : destination.str()); break;
    case TrustRole::kCopy: action = "copy " + source.str() + " to " + destination.str(); break;
  }
  return ShapeTransferError(e, action, names);
}

}  // namespace

Result<int> RunTransfer(CommandContext& ctx, const Location& source, const Location& destination,
                        PlatformDefault platform_default, TrustRole role) {
  const auto& a = ctx.args;
  HOIST_TRY_ASSIGN(int jobs, IntegerFlag(a, "jobs"));
  if (jobs < 1) return UsageError("--jobs must be at least 1");
  HOIST_TRY_ASSIGN(transfer::PlatformSelection platforms, ReadPlatforms(a, platform_default));
  HOIST_TRY_ASSIGN(transfer::LayerCompressionChoice compression, ReadCompressionChoice(ctx));
  // Keys and policy are read (and the key password asked for) before anything moves.
  HOIST_TRY_ASSIGN(ContentTrust trust, ReadContentTrust(ctx, role));

  HOIST_TRY_ASSIGN(EndpointSet endpoints, MakeEndpoints(ctx, source.kind == LocationKind::kRegistry ||
                                                                 destination.kind == LocationKind::kRegistry));
  const transfer::Endpoints& ep = endpoints.ep;

  std::vector<std::pair<Location, Location>> pairs;
  if (a.count("all-tags")) {
    HOIST_TRY_ASSIGN(auto tags, transfer::ListSourceTags(source, ep));
    if (tags.empty()) return NotFound(source.str() + " has no tags");
    for (const auto& tag : tags) {
      HOIST_TRY_ASSIGN(Location s, transfer::WithTag(source, tag));
      HOIST_TRY_ASSIGN(Location d, transfer::WithTag(destination, tag));
      pairs.emplace_back(std::move(s), std::move(d));
    }
  } else {
    pairs.emplace_back(source, destination);
  }

  transfer::InstallInterruptHandler();
  transfer::ProgressReporter progress(ProgressModeOf(ctx.global.progress), stderr);
  progress.SetLabels(role == TrustRole::kPush   ? transfer::PushLabels()
                     : role == TrustRole::kPull ? transfer::PullLabels()
                                                : transfer::CopyLabels());
  std::vector<transfer::CopyReport> reports;
  transfer::CopyReport total;
  Status outcome = Ok();
  const Location* failed_source = &pairs.front().first;
  const Location* failed_destination = &pairs.front().second;
  for (const auto& [unchecked, d] : pairs) {
    failed_source = &unchecked;
    failed_destination = &d;
    auto checked = CheckSourceTrust(ctx, trust, unchecked);
    if (!checked.ok()) {
      outcome = std::move(checked).error();
      break;
    }
    const Location& s = *checked;
    auto src = transfer::OpenSource(s, ep);
    if (!src.ok()) {
      outcome = std::move(src).error();
      break;
    }
    auto dst = transfer::OpenDestination(d, ep, &s);
    if (!dst.ok()) {
      outcome = std::move(dst).error();
      break;
    }
    transfer::CopyOptions options;
    options.tag = transfer::DestinationTag(d, s);
    if (a.count("additional-tag")) {
      for (const auto& text : a["additional-tag"].as<std::vector<std::string>>()) {
        HOIST_TRY_ASSIGN(std::string name, transfer::ArchivedImageName(text));
        options.additional_tags.push_back(std::move(name));
      }
    }
    options.platforms = platforms;
    options.format = ParseManifestFormat(ctx.global.format_name);
    options.jobs = jobs;
    options.compression = compression;
    options.signatures = !a.count("no-signatures");
    options.progress = &progress;
    options.spool_dir = endpoints.temp_dir;
    auto report = transfer::Copy(**src, **dst, options);
    if (!report.ok()) {
      outcome = std::move(report).error();
      break;
    }
    if (Status signed_st = SignDestination(ctx, trust, d, report->image.digest); !signed_st.ok()) {
      outcome = std::move(signed_st).error();
      break;
    }
    total.Add(*report);
    reports.push_back(std::move(report).value());
  }
  progress.End();
  endpoints.SaveCache();
  if (!outcome.ok()) return ShapeError(std::move(outcome).error(), role, *failed_source, *failed_destination);
  PrintReport(ctx, reports, total, progress.mode() != transfer::ProgressMode::kNone);
  return kExitOk;
}

}  // namespace hoist::tools
