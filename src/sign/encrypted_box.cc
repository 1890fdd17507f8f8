#include "sign/encrypted_box.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/json_parse.h"

namespace hoist::sign {

namespace {

constexpr size_t kSaltSize = 32;  // what go-securesystemslib generates
constexpr size_t kKeySize = crypto_secretbox_KEYBYTES;
constexpr size_t kNonceSize = crypto_secretbox_NONCEBYTES;
static_assert(kKeySize == 32 && kNonceSize == 24, "NaCl secretbox sizes");

struct ScryptParams {
  uint64_t n;
  uint64_t r;
  uint64_t p;
};

ScryptParams ParamsFor(KdfStrength s) {
  switch (s) {
    case KdfStrength::kLegacy: return {32768, 8, 1};
    case KdfStrength::kStandard: return {65536, 8, 1};
    case KdfStrength::kOwasp: return {131072, 8, 1};
  }
  return {65536, 8, 1};
}

bool Allowed(const ScryptParams& p) {
  for (KdfStrength s : {KdfStrength::kLegacy, KdfStrength::kStandard, KdfStrength::kOwasp}) {
    ScryptParams a = ParamsFor(s);
    if (a.n == p.n && a.r == p.r && a.p == p.p) return true;
  }
  return false;
}

Status InitSodium() {
  static const int rc = sodium_init();
  if (rc < 0) return Internal("libsodium failed to initialise");
  return Ok();
}

// The derived key is wiped when it goes out of scope.
struct SecretKey {
  unsigned char bytes[kKeySize];
  ~SecretKey() { sodium_memzero(bytes, sizeof bytes); }
};

Status DeriveKey(std::string_view password, std::string_view salt, const ScryptParams& p, SecretKey& key) {
  if (crypto_pwhash_scryptsalsa208sha256_ll(reinterpret_cast<const uint8_t*>(password.data()), password.size(),
                                            reinterpret_cast<const uint8_t*>(salt.data()), salt.size(), p.n,
                                            static_cast<uint32_t>(p.r), static_cast<uint32_t>(p.p), key.bytes,
                                            sizeof key.bytes) != 0) {
    return Internal("scrypt key derivation failed (out of memory?)");
  }
  return Ok();
}

// A string member, or "" when absent or of another type (never throws).
std::string StringMember(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<std::string> Base64Field(const nlohmann::json& obj, const char* key, const char* path) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) {
    return ParseError(std::string("encrypted key: ") + path + " is missing or not a string");
  }
  auto decoded = DecodeBase64(it->get<std::string>());
  if (!decoded) return ParseError(std::string("encrypted key: ") + path + " is not valid base64");
  return std::move(*decoded);
}

}  // namespace

Result<std::string> SealWithPassword(std::string_view plaintext, std::string_view password,
                                     KdfStrength strength) {
  HOIST_TRY(InitSodium());
  const ScryptParams p = ParamsFor(strength);
  std::string salt(kSaltSize, '\0'), nonce(kNonceSize, '\0');
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());
  SecretKey key;
  HOIST_TRY(DeriveKey(password, salt, p, key));
  std::string sealed(plaintext.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(sealed.data()),
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        reinterpret_cast<const unsigned char*>(nonce.data()), key.bytes);
  // Key order as Go's encoding/json writes the struct.
  nlohmann::ordered_json doc;
  doc["kdf"]["name"] = "scrypt";
  doc["kdf"]["params"]["N"] = p.n;
  doc["kdf"]["params"]["r"] = p.r;
  doc["kdf"]["params"]["p"] = p.p;
  doc["kdf"]["salt"] = EncodeBase64(salt);
  doc["cipher"]["name"] = "nacl/secretbox";
  doc["cipher"]["nonce"] = EncodeBase64(nonce);
  doc["ciphertext"] = EncodeBase64(sealed);
  return DumpJson(doc);
}

Result<std::string> OpenWithPassword(std::string_view document, std::string_view password) {
  HOIST_TRY(InitSodium());
  auto parsed = ParseJson(document);
  if (!parsed.ok()) return ParseError("encrypted key: " + parsed.error().message());
  const nlohmann::json& doc = *parsed;
  if (!doc.is_object()) return ParseError("encrypted key: not a JSON object");
  auto kdf = doc.find("kdf");
  auto cipher = doc.find("cipher");
  if (kdf == doc.end() || !kdf->is_object()) return ParseError("encrypted key: \"kdf\" is missing");
  if (cipher == doc.end() || !cipher->is_object()) return ParseError("encrypted key: \"cipher\" is missing");
  if (StringMember(*kdf, "name") != "scrypt") {
    return Unsupported("encrypted key: unknown key derivation \"" + StringMember(*kdf, "name") + "\" (want scrypt)");
  }
  if (StringMember(*cipher, "name") != "nacl/secretbox") {
    return Unsupported("encrypted key: unknown cipher \"" + StringMember(*cipher, "name") +
                       "\" (want nacl/secretbox)");
  }
  auto params = kdf->find("params");
  if (params == kdf->end() || !params->is_object()) return ParseError("encrypted key: kdf.params is missing");
  for (const char* k : {"N", "r", "p"}) {
    auto v = params->find(k);
    if (v == params->end() || !v->is_number_unsigned()) {
      return ParseError(std::string("encrypted key: kdf.params.") + k + " is missing or not a positive integer");
    }
  }
  ScryptParams p{params->at("N").get<uint64_t>(), params->at("r").get<uint64_t>(), params->at("p").get<uint64_t>()};
  if (!Allowed(p)) {
    return Unsupported("encrypted key: unsupported scrypt parameters N=" + std::to_string(p.n) +
                       " r=" + std::to_string(p.r) + " p=" + std::to_string(p.p));
  }
  HOIST_TRY_ASSIGN(std::string salt, Base64Field(*kdf, "salt", "kdf.salt"));
  HOIST_TRY_ASSIGN(std::string nonce, Base64Field(*cipher, "nonce", "cipher.nonce"));
  HOIST_TRY_ASSIGN(std::string sealed, Base64Field(doc, "ciphertext", "ciphertext"));
  if (nonce.size() != kNonceSize) {
    return ParseError("encrypted key: cipher.nonce is " + std::to_string(nonce.size()) + " bytes (want 24)");
  }
  if (sealed.size() < crypto_secretbox_MACBYTES) return ParseError("encrypted key: ciphertext is truncated");
  SecretKey key;
  HOIST_TRY(DeriveKey(password, salt, p, key));
  std::string plain(sealed.size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
                                 reinterpret_cast<const unsigned char*>(nonce.data()), key.bytes) != 0) {
    return Error(ErrorCode::kUnauthorized, "decryption failed: wrong password, or the key file was altered");
  }
  return plain;
}

}  // namespace hoist::sign
