#pragma once
// Scopes of the registry token protocol: "TYPE:NAME:ACTION[,ACTION…]", e.g. "repository:a/b:pull,push".

#include <string>
#include <string_view>
#include <vector>

namespace hoist::registry {

// "repository:REPO:a,b" for the given actions, in the given order.
std::string RepositoryScope(std::string_view repo, const std::vector<std::string>& actions);

// The scopes a push to `dst` needs: "repository:dst:pull,push", then "repository:mount_from:pull"
// when blobs are to be mounted from another repository (empty or equal to dst: no second scope).
std::vector<std::string> PushScopes(std::string_view dst, std::string_view mount_from = {});

// Our scopes, then the ones a challenge asked for. Scopes naming the same resource become one
// with the union of their actions (in order of first appearance); the order of resources is kept.
// Strings that are not TYPE:NAME:ACTIONS are kept verbatim, once.
std::vector<std::string> MergeScopes(const std::vector<std::string>& ours,
                                     const std::vector<std::string>& theirs);

}  // namespace hoist::registry
