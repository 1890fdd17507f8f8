#pragma once
// PEM blocks ("-----BEGIN TYPE-----", base64 body, "-----END TYPE-----"): the envelope of every key
// file hoist reads or writes. Only the first block of a file is read, as cosign does.

#include <string>
#include <string_view>

#include "core/error.h"

namespace hoist::sign {

struct PemBlock {
  std::string type;   // "PUBLIC KEY", "ENCRYPTED SIGSTORE PRIVATE KEY", …
  std::string bytes;  // the decoded body
};

// kParse when `text` holds no well-formed PEM block.
Result<PemBlock> DecodePem(std::string_view text);
// 64-character lines, as Go's pem.EncodeToMemory and OpenSSL write them.
std::string EncodePem(std::string_view type, std::string_view bytes);

}  // namespace hoist::sign
