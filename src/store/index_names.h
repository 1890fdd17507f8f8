#pragma once
// Setting many names of the store at once (a load of 20,000 RepoTags): one index.json update
// instead of one per name, which made such a load quadratic.

#include <cstdint>
#include <utility>
#include <vector>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/reference.h"
#include "store/oci_layout.h"

namespace hoist::store {

// Every name of `names` in one index.json update, as OciLayout::SetName would set them one after
// another: a name keeps its position when it exists, a name given twice ends at the last one.
// `unnamed` manifests are kept without a name unless an entry already has their digest (docker's
// dangling images, once).
Status SetNames(OciLayout& layout, const std::vector<std::pair<Reference, Descriptor>>& names,
                const std::vector<Descriptor>& unnamed = {});

// How many times this process rewrote an index.json (tests count batched updates with it).
uint64_t IndexWritesSoFar();

}  // namespace hoist::store
