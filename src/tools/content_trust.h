#pragma once
// Content trust for copy, pull and push. Before anything moves, the source image is checked
// against a trust policy (--verify-key PUB, --policy FILE in containers-policy.json format); the
// copy then reads exactly the digest that was checked. After the copy, --sign-key signs what
// arrived. HOIST_CONTENT_TRUST=1 (or DOCKER_CONTENT_TRUST=1) makes pull and copy refuse images
// without a valid signature, and makes push sign.

#include <optional>
#include <string>

#include <cxxopts.hpp>

#include "core/digest.h"
#include "sign/keys.h"
#include "sign/policy.h"
#include "tools/command.h"
#include "transfer/location.h"

namespace hoist::tools {

enum class TrustRole { kPull, kCopy, kPush };

struct ContentTrust {
  std::optional<sign::TrustPolicy> policy;  // set: the source is checked before the copy
  std::string policy_origin;                // "--verify-key", the policy file, for messages
  bool required = false;                    // content trust is on: a signature must verify
  std::optional<sign::PrivateKey> sign_key;  // set: what reaches the destination is signed
};

void AddContentTrustOptions(cxxopts::Options& options);

// The flags and environment, read and loaded (keys and policy files) before anything moves.
Result<ContentTrust> ReadContentTrust(const CommandContext& ctx, TrustRole role);

// Checks the source under the policy; returns the source pinned to the checked digest (registry
// and store sources), so a tag moved in between cannot slip another image through.
Result<transfer::Location> CheckSourceTrust(const CommandContext& ctx, const ContentTrust& trust,
                                            const transfer::Location& source);

// Signs `digest` where `destination` names it (after a successful copy). Messages go to stderr.
Status SignDestination(const CommandContext& ctx, const ContentTrust& trust, const transfer::Location& destination,
                       const Digest& digest);

}  // namespace hoist::tools
