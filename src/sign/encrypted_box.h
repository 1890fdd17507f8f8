#pragma once
// The password-encrypted envelope cosign puts private keys in (go-securesystemslib's `encrypted`
// package): a JSON document
//   {"kdf":{"name":"scrypt","params":{"N":…,"r":8,"p":1},"salt":B64},
//    "cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}
// where the key is scrypt(password, salt, N, r, p, 32) and ciphertext is NaCl secretbox (XSalsa20 +
// Poly1305, MAC first) of the plaintext. Only the three parameter sets that library writes are
// accepted, so a tampered file cannot make hoist spend unbounded memory or time on scrypt.

#include <string>
#include <string_view>

#include "core/error.h"

namespace hoist::sign {

enum class KdfStrength {
  kLegacy,    // N = 2^15 (cosign before 2.x)
  kStandard,  // N = 2^16 (what cosign writes today)
  kOwasp,     // N = 2^17
};

// The JSON document for `plaintext` under `password`, with a fresh random salt and nonce.
Result<std::string> SealWithPassword(std::string_view plaintext, std::string_view password,
                                     KdfStrength strength = KdfStrength::kStandard);

// The plaintext, or kUnauthorized when the password is wrong (the MAC does not match), or kParse /
// kUnsupported when the document is not one this format allows.
Result<std::string> OpenWithPassword(std::string_view document, std::string_view password);

}  // namespace hoist::sign
