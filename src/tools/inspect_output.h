#pragma once
// What `hoist inspect` prints: the documents as indented JSON, or each expanded by -f/--format's
// Go template (docker's `inspect -f '{{.Id}}'`); and the document for a working container.

#include <nlohmann/json.hpp>

#include "container/containers.h"
#include "tools/command.h"

namespace hoist::tools {

// `docs` is the JSON array docker prints; a template is expanded once per element.
Status PrintInspectDocuments(const CommandContext& ctx, const nlohmann::ordered_json& docs);

// docker's container inspect fields hoist has: Id, Created, Path, Args, State, Image, Name, Config,
// GraphDriver (MergedDir: the container's root filesystem).
nlohmann::ordered_json ContainerDocument(const container::ContainerRecord& c, const std::string& rootfs);

}  // namespace hoist::tools
