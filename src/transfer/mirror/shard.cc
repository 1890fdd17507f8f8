#include "transfer/mirror/shard.h"

#include <charconv>

namespace hoist::transfer::mirror {

uint64_t StableHash(std::string_view key) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

bool Shard::Contains(std::string_view key) const {
  return count <= 1 || StableHash(key) % static_cast<uint64_t>(count) == static_cast<uint64_t>(index);
}

Result<Shard> ParseShard(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument("--shard \"" + std::string(text) + "\": expected K/N with 0 <= K < N (e.g. 0/4)");
  };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad();
  Shard s;
  auto k = text.substr(0, slash), n = text.substr(slash + 1);
  auto rk = std::from_chars(k.data(), k.data() + k.size(), s.index);
  auto rn = std::from_chars(n.data(), n.data() + n.size(), s.count);
  if (k.empty() || n.empty() || rk.ec != std::errc() || rk.ptr != k.data() + k.size() || rn.ec != std::errc() ||
      rn.ptr != n.data() + n.size() || s.count < 1 || s.index < 0 || s.index >= s.count) {
    return bad();
  }
  return s;
}

}  // namespace hoist::transfer::mirror
