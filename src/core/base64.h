#pragma once
// Standard base64 (RFC 4648 §4): descriptors' "data", Basic auth, docker config.json "auth".

#include <optional>
#include <string>
#include <string_view>

namespace hoist {

enum class Base64Padding {
  kRequired,  // length a multiple of 4, '=' padded (descriptor data)
  kOptional,  // padded or not (credentials files written by many tools)
};

std::string EncodeBase64(std::string_view bytes);  // always padded
// nullopt for anything that is not canonical base64 (bad characters, data after '=', stray bits).
std::optional<std::string> DecodeBase64(std::string_view text,
                                        Base64Padding padding = Base64Padding::kRequired);

}  // namespace hoist
