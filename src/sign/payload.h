#pragma once
// The simple-signing payload cosign signs, written byte for byte as cosign writes it:
//   {"critical":{"identity":{"docker-reference":"HOST/REPO"},"image":{"docker-manifest-digest":"sha256:…"},
//    "type":"cosign container image signature"},"optional":null}
// `optional` holds the user's annotations (-a k=v) as a JSON object with sorted keys, or null.
// Strings are escaped as Go's encoding/json does (<, >, & and U+2028/9 as \u escapes), since the
// signature covers these exact bytes.

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/digest.h"
#include "core/error.h"
#include "core/reference.h"

namespace hoist::sign {

inline constexpr std::string_view kCosignSignatureType = "cosign container image signature";
// Payloads larger than this are not signatures hoist would accept (cosign's are ~250 bytes plus
// annotations).
inline constexpr size_t kMaxPayloadSize = 64 * 1024;

// The repository as cosign names it in "docker-reference": go-containerregistry's Repository.Name(),
// so Docker Hub images read "index.docker.io/library/alpine".
std::string CosignDockerReference(const Reference& ref);

// The payload bytes. Annotation keys and values must be valid UTF-8 (kInvalidArgument otherwise).
Result<std::string> RenderPayload(std::string_view docker_reference, const Digest& manifest_digest,
                                  const std::map<std::string, std::string>& annotations = {});

struct Payload {
  std::string docker_reference;
  Digest manifest_digest = Digest::Of("");
  nlohmann::json optional;  // null or an object, as signed
};

// Strict reading of a payload that a signature has already been checked over: the critical
// section must be complete and of cosign's type.
Result<Payload> ParsePayload(std::string_view bytes);

// Whether the payload's docker-reference names the repository of `ref` (Docker Hub spellings
// such as index.docker.io and docker.io compare equal).
bool SameRepository(std::string_view docker_reference, const Reference& ref);

}  // namespace hoist::sign
