#pragma once
// Signing keys: ECDSA P-256, the kind cosign generates. Private keys are read from cosign's
// encrypted PEM ("ENCRYPTED SIGSTORE PRIVATE KEY", or the older "ENCRYPTED COSIGN PRIVATE KEY")
// and from plain PKCS#8 ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") PEM; public keys are PEM
// SubjectPublicKeyInfo ("PUBLIC KEY"). Signatures are ECDSA over SHA-256, ASN.1 DER.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "sign/encrypted_box.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace hoist::sign {

inline constexpr std::string_view kSigstorePrivateKeyPem = "ENCRYPTED SIGSTORE PRIVATE KEY";
inline constexpr std::string_view kCosignPrivateKeyPem = "ENCRYPTED COSIGN PRIVATE KEY";

struct PkeyFree {
  void operator()(EVP_PKEY* k) const;
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

class PublicKey {
 public:
  // PEM "PUBLIC KEY"; anything but ECDSA P-256 is kUnsupported.
  static Result<PublicKey> FromPem(std::string_view pem);
  std::string ToPem() const;

  // Ok when `signature` (DER) is a valid signature of `data`; otherwise an error saying why
  // (kDigestMismatch for a signature that does not verify, kParse for one that is not DER).
  Status Verify(std::string_view data, std::string_view signature) const;

  EVP_PKEY* get() const { return key_.get(); }

 private:
  friend class PrivateKey;
  explicit PublicKey(PkeyPtr key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

// Asked for the password only when the key file is encrypted.
using PasswordSource = std::function<Result<std::string>()>;

class PrivateKey {
 public:
  static Result<PrivateKey> Generate();
  // Reads any of the formats named above. `password` is called once, only for an encrypted key;
  // a wrong password is kUnauthorized.
  static Result<PrivateKey> FromPem(std::string_view pem, const PasswordSource& password);

  // cosign's encrypted PEM ("ENCRYPTED SIGSTORE PRIVATE KEY") of the PKCS#8 DER.
  Result<std::string> ToEncryptedPem(std::string_view password,
                                     KdfStrength strength = KdfStrength::kStandard) const;
  PublicKey Public() const;

  // ECDSA over SHA-256 of `data`: the DER signature.
  Result<std::string> Sign(std::string_view data) const;

 private:
  explicit PrivateKey(PkeyPtr key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace hoist::sign
