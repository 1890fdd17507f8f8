#include "sign/keys.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "sign/pem.h"

namespace hoist::sign {

void PkeyFree::operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }

namespace {

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

// Plain key bytes (PKCS#8 DER) are wiped when they go out of scope.
struct Secret {
  std::string bytes;
  ~Secret() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

Status RequireP256(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
    return Unsupported(std::string("unsupported key type ") + EVP_PKEY_get0_type_name(key) +
                       " (hoist signs and verifies with ECDSA P-256 keys, as cosign generates them)");
  }
  char group[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) != 1 || std::string_view(group) != "prime256v1") {
    return Unsupported(std::string("unsupported elliptic curve ") + (group[0] ? group : "(unknown)") +
                       " (hoist uses ECDSA P-256)");
  }
  return Ok();
}

// PKCS#8 PrivateKeyInfo first (what cosign stores), then SEC1 ECPrivateKey.
Result<PkeyPtr> ParsePrivateDer(std::string_view der, std::string_view what) {
  ERR_clear_error();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  ERR_clear_error();
  if (!key) return ParseError(std::string(what) + " does not hold a PKCS#8 or SEC1 private key");
  PkeyPtr owned(key);
  HOIST_TRY(RequireP256(owned.get()));
  return owned;
}

Result<std::string> Pkcs8Der(EVP_PKEY* key) {
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> info(EVP_PKEY2PKCS8(key),
                                                                                 &PKCS8_PRIV_KEY_INFO_free);
  if (!info) return Internal("encoding the private key as PKCS#8 failed");
  unsigned char* der = nullptr;
  int n = i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der);
  if (n <= 0) return Internal("encoding the private key as PKCS#8 failed");
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(n));
  OPENSSL_clear_free(der, static_cast<size_t>(n));
  return out;
}

}  // namespace

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  HOIST_TRY_ASSIGN(PemBlock block, DecodePem(pem));
  if (block.type != "PUBLIC KEY") {
    return ParseError("expected a PEM \"PUBLIC KEY\" (SubjectPublicKeyInfo), found \"" + block.type + "\"");
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(block.bytes.data());
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(block.bytes.size()));
  ERR_clear_error();
  if (!key) return ParseError("the PEM \"PUBLIC KEY\" block is not a valid SubjectPublicKeyInfo");
  PkeyPtr owned(key);
  HOIST_TRY(RequireP256(owned.get()));
  return PublicKey(std::move(owned));
}

std::string PublicKey::ToPem() const {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key_.get(), &der);
  if (n <= 0) return "";
  std::string out = EncodePem("PUBLIC KEY", std::string_view(reinterpret_cast<const char*>(der), n));
  OPENSSL_free(der);
  return out;
}

Status PublicKey::Verify(std::string_view data, std::string_view signature) const {
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) {
    ERR_clear_error();
    return Internal("could not set up signature verification");
  }
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
  ERR_clear_error();
  if (rc == 1) return Ok();
  if (rc == 0) return DigestMismatch("the signature does not match the payload under this key");
  return ParseError("the signature is not a DER-encoded ECDSA signature");
}

Result<PrivateKey> PrivateKey::Generate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) {
    ERR_clear_error();
    return Internal("generating an ECDSA P-256 key failed");
  }
  return PrivateKey(PkeyPtr(key));
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem, const PasswordSource& password) {
  HOIST_TRY_ASSIGN(PemBlock block, DecodePem(pem));
  Secret der;
  der.bytes = std::move(block.bytes);
  if (block.type == kSigstorePrivateKeyPem || block.type == kCosignPrivateKeyPem) {
    if (!password) return InvalidArgument("the private key is encrypted and no password was given");
    HOIST_TRY_ASSIGN(std::string pass, password());
    auto opened = OpenWithPassword(der.bytes, pass);
    OPENSSL_cleanse(pass.data(), pass.size());
    if (!opened.ok()) return std::move(opened).error();
    Secret plain;
    plain.bytes = std::move(*opened);
    HOIST_TRY_ASSIGN(PkeyPtr key, ParsePrivateDer(plain.bytes, "the decrypted key"));
    return PrivateKey(std::move(key));
  }
  if (block.type == "PRIVATE KEY" || block.type == "EC PRIVATE KEY") {
    HOIST_TRY_ASSIGN(PkeyPtr key, ParsePrivateDer(der.bytes, "the PEM \"" + block.type + "\" block"));
    return PrivateKey(std::move(key));
  }
  if (block.type == "PUBLIC KEY") return InvalidArgument("this is a public key; signing needs the private key");
  return Unsupported("unsupported private key PEM type \"" + block.type +
                     "\" (want ENCRYPTED SIGSTORE PRIVATE KEY, PRIVATE KEY or EC PRIVATE KEY)");
}

Result<std::string> PrivateKey::ToEncryptedPem(std::string_view password, KdfStrength strength) const {
  Secret der;
  HOIST_TRY_ASSIGN(der.bytes, Pkcs8Der(key_.get()));
  HOIST_TRY_ASSIGN(std::string sealed, SealWithPassword(der.bytes, password, strength));
  return EncodePem(kSigstorePrivateKeyPem, sealed);
}

PublicKey PrivateKey::Public() const {
  // The private EVP_PKEY also answers public-key operations; sharing it keeps one copy.
  PublicKey pub(nullptr);
  pub.key_ = key_;
  return pub;
}

Result<std::string> PrivateKey::Sign(std::string_view data) const {
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    ERR_clear_error();
    return Internal("could not set up ECDSA signing");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    ERR_clear_error();
    return Internal("ECDSA signing failed");
  }
  sig.resize(len);
  return sig;
}

}  // namespace hoist::sign
