#include "tools/prune_output.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "tools/human_units.h"

namespace hoist::tools {

void PrintPruneOutcome(const CommandContext& ctx, const PruneOutcome& o) {
  const store::PruneReport& report = o.report;
  if (ctx.global.format == OutputFormat::kJson) {
    nlohmann::json removed = nlohmann::json::array(), deleted = nlohmann::json::array();
    for (const auto& d : report.removed_entries) removed.push_back(d.digest.str());
    for (const auto& d : report.removed_blobs) deleted.push_back(d.digest.str());
    nlohmann::json out{{"RemovedImages", removed},
                       {"DeletedBlobs", deleted},
                       {"StaleFilesRemoved", report.removed_stale_files},
                       {"BrokenContainersRemoved", o.broken},
                       {"SpaceReclaimed", report.freed_bytes}};
    if (o.containers_pruned) out["ContainersDeleted"] = o.removed_containers;
    std::cout << DumpJson(out, 2) << "\n";
    return;
  }
  if (!o.removed_containers.empty()) {
    std::cout << "Deleted Containers:\n";
    for (const auto& id : o.removed_containers) std::cout << id << "\n";
    std::cout << "\n";
  }
  if (!report.removed_entries.empty() || !report.removed_blobs.empty()) {
    std::cout << "Deleted Images:\n";
    for (const auto& d : report.removed_entries) std::cout << "untagged: " << d.digest.str() << "\n";
    for (const auto& d : report.removed_blobs) std::cout << "deleted: " << d.digest.str() << "\n";
    std::cout << "\n";
  }
  for (const auto& id : o.broken) std::cout << "removed broken container: " << id << "\n";
  std::cout << "Total reclaimed space: " << HumanSize(report.freed_bytes) << "\n";
}

}  // namespace hoist::tools
