#pragma once
// --shard K/N: machine K of N takes the images whose destination name hashes to K (mod N). The
// hash (FNV-1a, 64 bit) is fixed, so every machine computes the same split with no coordinator.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace hoist::transfer::mirror {

struct Shard {
  int index = 0;  // K, 0-based
  int count = 1;  // N
  bool Contains(std::string_view key) const;
};

uint64_t StableHash(std::string_view key);

// "K/N" with 0 <= K < N (0-based, as Kubernetes' JOB_COMPLETION_INDEX).
Result<Shard> ParseShard(std::string_view text);

}  // namespace hoist::transfer::mirror
