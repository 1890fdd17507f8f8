#include "sign/key_files.h"

#include <sys/stat.h>

#include "core/fs.h"
#include "core/output_file.h"

namespace hoist::sign {

namespace {
constexpr uint64_t kMaxKeyFileSize = 64 * 1024;

bool Exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}
}  // namespace

KeyPairFiles KeyPairPaths(const std::string& prefix) { return {prefix + ".key", prefix + ".pub"}; }

Result<KeyPairFiles> WriteKeyPair(const PrivateKey& key, const std::string& prefix, std::string_view password,
                                  bool overwrite, KdfStrength strength) {
  KeyPairFiles files = KeyPairPaths(prefix);
  if (!overwrite) {
    for (const std::string& p : {files.private_path, files.public_path}) {
      if (Exists(p)) return Error(ErrorCode::kAlreadyExists, p + " already exists (--force overwrites it)");
    }
  }
  HOIST_TRY_ASSIGN(std::string private_pem, key.ToEncryptedPem(password, strength));
  // The private key only into a 0600 regular file (a symlink's target is fine): never through a
  // device or FIFO where its mode protects nothing.
  HOIST_TRY(WriteOutputFile(files.private_path, private_pem, {0600, /*allow_special=*/false}));
  HOIST_TRY(WriteOutputFile(files.public_path, key.Public().ToPem(), {0644, /*allow_special=*/true}));
  return files;
}

Result<PrivateKey> ReadPrivateKeyFile(const std::string& path, const PasswordSource& password) {
  auto text = ReadFileToString(path, kMaxKeyFileSize);
  if (!text.ok()) return std::move(text).error().WithContext("reading private key " + path);
  auto key = PrivateKey::FromPem(*text, password);
  if (!key.ok()) return std::move(key).error().WithContext("private key " + path);
  return key;
}

Result<PublicKey> ReadPublicKeyFile(const std::string& path) {
  auto text = ReadFileToString(path, kMaxKeyFileSize);
  if (!text.ok()) return std::move(text).error().WithContext("reading public key " + path);
  auto key = PublicKey::FromPem(*text);
  if (!key.ok()) return std::move(key).error().WithContext("public key " + path);
  return key;
}

}  // namespace hoist::sign
