#pragma once
// Content digests ("sha256:<64 hex>", "sha512:<128 hex>") and streaming hashers on OpenSSL EVP.
// A Digest can only be built by strict parsing or by hashing, so a Digest value is always safe
// to use as a path component.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace hoist {

enum class DigestAlgorithm { kSha256, kSha512 };

std::string_view AlgorithmName(DigestAlgorithm alg);  // "sha256"
size_t HexLength(DigestAlgorithm alg);                 // 64 / 128

class Digest {
 public:
  // Strict: known algorithm, lowercase hex of exactly the algorithm's length.
  static Result<Digest> Parse(std::string_view text);
  // Hash a whole buffer.
  static Digest Of(std::string_view data, DigestAlgorithm alg = DigestAlgorithm::kSha256);

  DigestAlgorithm algorithm() const { return alg_; }
  std::string_view algorithm_name() const { return AlgorithmName(alg_); }
  const std::string& hex() const { return hex_; }
  std::string str() const;            // "sha256:abcd…"
  std::string Short(size_t n = 12) const;  // first n hex digits, as `docker images` shows IDs

  bool operator==(const Digest& o) const { return alg_ == o.alg_ && hex_ == o.hex_; }
  bool operator<(const Digest& o) const { return str() < o.str(); }

 private:
  Digest(DigestAlgorithm alg, std::string hex) : alg_(alg), hex_(std::move(hex)) {}
  friend class Hasher;
  DigestAlgorithm alg_;
  std::string hex_;
};

// Incremental hasher: Update() any number of times, then Finish() once.
class Hasher {
 public:
  explicit Hasher(DigestAlgorithm alg = DigestAlgorithm::kSha256);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  // A copy of the state so far (to go back to this point later).
  Hasher Clone() const;
  void Update(const void* data, size_t n);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  Digest Finish();
  DigestAlgorithm algorithm() const { return alg_; }

 private:
  struct Impl;
  DigestAlgorithm alg_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hoist

template <>
struct std::hash<hoist::Digest> {
  size_t operator()(const hoist::Digest& d) const { return std::hash<std::string>()(d.hex()); }
};
