#include <iostream>
#include <nlohmann/json.hpp>

#include "container/containers.h"
#include "core/json_parse.h"
#include "core/terminal_text.h"
#include "store/fsck.h"
#include "tools/command.h"
#include "tools/human_units.h"
#include "tools/store_flags.h"

namespace hoist::tools {

namespace {

void AddFsckOptions(cxxopts::Options& o) {
  o.add_options()("repair", "Remove corrupt blobs and the names of images left incomplete");
}

int ExitCodeOf(const store::FsckReport& report) {
  int code = kExitOk;
  for (const auto& p : report.problems) {
    if (p.repaired || p.kind == store::FsckProblem::Kind::kLeftoverTemp) continue;  // space, not damage
    bool corrupt = p.kind == store::FsckProblem::Kind::kCorruptBlob;
    code = corrupt ? kExitDigestMismatch : (code == kExitOk ? kExitFailure : code);
  }
  return code;
}

// Working-container directories without a record (a `hoist run` killed while creating one) are
// stray files of the store's private area: reported, and removed by --repair.
Status CheckContainers(const store::LayoutPaths& paths, bool repair, store::FsckReport& report) {
  container::ContainerStore containers(paths);
  HOIST_TRY_ASSIGN(auto all, containers.List());
  for (const auto& c : all) {
    if (c.problem.empty()) continue;
    store::FsckProblem p{store::FsckProblem::Kind::kStrayFile, paths.Container(c.id),
                         "working container without a readable record (" + c.problem + ")", false, ""};
    report.problems.push_back(std::move(p));
  }
  if (!repair) return Ok();
  HOIST_TRY_ASSIGN(auto removed, containers.RemoveBroken());
  for (auto& p : report.problems) {
    for (const auto& id : removed) {
      if (p.subject == paths.Container(id)) p.repaired = true, p.repair = "removed the container directory";
    }
  }
  return Ok();
}

Result<int> RunFsck(CommandContext& ctx) {
  if (!ctx.positional.empty()) return UsageError("fsck takes no arguments");
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  store::FsckOptions options;
  options.repair = ctx.args.count("repair") > 0;
  HOIST_TRY_ASSIGN(auto report, store::Fsck(layout, options));
  HOIST_TRY(CheckContainers(layout.paths(), options.repair, report));
  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : report.problems) {
      problems.push_back({{"Kind", store::FsckProblemName(p.kind)},
                          {"Subject", p.subject},
                          {"Detail", p.detail},
                          {"Repaired", p.repaired},
                          {"Repair", p.repair}});
    }
    nlohmann::json out{{"BlobsChecked", report.blobs_checked},
                       {"BytesChecked", report.bytes_checked},
                       {"ImagesChecked", report.images_checked},
                       {"Problems", problems},
                       {"Clean", report.clean()}};
    std::cout << DumpJson(out, 2) << "\n";
    return ExitCodeOf(report);
  }
  size_t repaired = 0;
  for (const auto& p : report.problems) {
    std::cout << store::FsckProblemName(p.kind) << " " << EscapeForTerminal(p.subject) << ": "
              << EscapeForTerminal(p.detail);
    if (!p.repair.empty()) std::cout << " (" << p.repair << ")";
    std::cout << "\n";
    repaired += p.repaired;
  }
  std::cout << "checked " << report.blobs_checked << " blobs ("
            << HumanSize(static_cast<int64_t>(report.bytes_checked)) << ") and " << report.images_checked
            << " images: ";
  if (report.problems.empty()) {
    std::cout << "no problems\n";
  } else {
    std::cout << report.problems.size() << " problems, " << repaired << " repaired";
    if (!report.clean() && !options.repair) std::cout << " (run `hoist fsck --repair` to remove what is corrupt)";
    std::cout << "\n";
  }
  return ExitCodeOf(report);
}

}  // namespace

const CommandSpec& FsckCommand() {
  static const CommandSpec spec{
      "fsck", {}, "Check the local store for corrupt or missing content", "",
      "Re-hashes every blob against its digest, checks that index.json is a valid OCI index and that\n"
      "every manifest, config and layer an image needs is present. Each problem is printed as\n"
      "KIND SUBJECT: DETAIL, with KIND one of corrupt-blob, missing-blob, bad-manifest, stray-file,\n"
      "bad-index, leftover-temp. --repair removes corrupt blobs and stray files, and the names of images\n"
      "that are then incomplete (pull or load them again); it never rewrites a damaged index.json.\n"
      "leftover-temp is temp space in .hoist/tmp of a command that was killed (a load, commit, build):\n"
      "it is reported without changing the exit code, and --repair (or `hoist prune`) removes it.\n"
      "\n"
      "Exit code: 0 when the store is sound (or everything found was repaired), 5 when a corrupt blob\n"
      "remains, 1 for other remaining problems, 3 when there is no store.",
      "  hoist fsck\n"
      "  hoist fsck --repair\n"
      "  hoist --store ./layout fsck --format json",
      AddFsckOptions, RunFsck};
  return spec;
}

}  // namespace hoist::tools
