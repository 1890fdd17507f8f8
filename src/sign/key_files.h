#pragma once
// Key pairs on disk, as `cosign generate-key-pair` leaves them: PREFIX.key (encrypted, mode 0600)
// and PREFIX.pub (mode 0644), each written atomically.

#include <string>
#include <string_view>

#include "core/error.h"
#include "sign/keys.h"

namespace hoist::sign {

struct KeyPairFiles {
  std::string private_path;  // PREFIX.key
  std::string public_path;   // PREFIX.pub
};

KeyPairFiles KeyPairPaths(const std::string& prefix);

// Writes both files; kAlreadyExists (naming the file) when one exists and `overwrite` is false.
Result<KeyPairFiles> WriteKeyPair(const PrivateKey& key, const std::string& prefix, std::string_view password,
                                  bool overwrite, KdfStrength strength = KdfStrength::kStandard);

// Key files are small; a larger file is not a key.
Result<PrivateKey> ReadPrivateKeyFile(const std::string& path, const PasswordSource& password);
Result<PublicKey> ReadPublicKeyFile(const std::string& path);

}  // namespace hoist::sign
