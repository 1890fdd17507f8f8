#pragma once
// What `prune` and `system prune` print: docker's "Deleted Containers/Deleted Images/Total reclaimed
// space" text, or one JSON object.

#include <string>
#include <vector>

#include "store/prune.h"
#include "tools/command.h"

namespace hoist::tools {

struct PruneOutcome {
  store::PruneReport report;
  std::vector<std::string> broken;              // container directories without a record, removed
  std::vector<std::string> removed_containers;  // system prune: stopped containers removed
  bool containers_pruned = false;               // system prune (its JSON names ContainersDeleted)
};

void PrintPruneOutcome(const CommandContext& ctx, const PruneOutcome& outcome);

}  // namespace hoist::tools
