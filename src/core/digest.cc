#include "core/digest.h"

#include <openssl/evp.h>

namespace hoist {

std::string_view AlgorithmName(DigestAlgorithm alg) {
  return alg == DigestAlgorithm::kSha256 ? "sha256" : "sha512";
}

size_t HexLength(DigestAlgorithm alg) { return alg == DigestAlgorithm::kSha256 ? 64 : 128; }

namespace {
std::string Printable(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string out;
  for (char c : s.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > kMax) out += "…";
  return out;
}
}  // namespace

Result<Digest> Digest::Parse(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return ParseError("invalid digest \"" + Printable(text) + "\": " + why);
  };
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return bad("expected ALGORITHM:HEX");
  std::string_view alg_name = text.substr(0, colon);
  std::string_view hex = text.substr(colon + 1);
  DigestAlgorithm alg;
  if (alg_name == "sha256") {
    alg = DigestAlgorithm::kSha256;
  } else if (alg_name == "sha512") {
    alg = DigestAlgorithm::kSha512;
  } else {
    return bad("unsupported algorithm \"" + Printable(alg_name) + "\" (want sha256 or sha512)");
  }
  for (char c : hex) {
    if (c >= 'A' && c <= 'F') return bad("hex must be lowercase");
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return bad("non-hex character in digest");
  }
  if (hex.size() != HexLength(alg)) {
    return bad(std::string(alg_name) + " needs " + std::to_string(HexLength(alg)) +
               " hex digits, got " + std::to_string(hex.size()));
  }
  return Digest(alg, std::string(hex));
}

Digest Digest::Of(std::string_view data, DigestAlgorithm alg) {
  Hasher h(alg);
  h.Update(data);
  return h.Finish();
}

std::string Digest::str() const {
  std::string s(AlgorithmName(alg_));
  s += ':';
  s += hex_;
  return s;
}

std::string Digest::Short(size_t n) const { return hex_.substr(0, n); }

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(DigestAlgorithm alg) : alg_(alg), impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(impl_->ctx, alg == DigestAlgorithm::kSha256 ? EVP_sha256() : EVP_sha512(), nullptr);
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

Hasher Hasher::Clone() const {
  Hasher copy(alg_);
  EVP_MD_CTX_copy_ex(copy.impl_->ctx, impl_->ctx);
  return copy;
}

void Hasher::Update(const void* data, size_t n) {
  if (n > 0) EVP_DigestUpdate(impl_->ctx, data, n);
}

Digest Hasher::Finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, md, &len);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 0xf];
  }
  return Digest(alg_, std::move(hex));
}

}  // namespace hoist
