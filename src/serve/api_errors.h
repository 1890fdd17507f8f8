#pragma once
// The OCI Distribution spec's error answers: {"errors":[{"code","message","detail"}]} with the
// status the spec (and Distribution) gives each code.

#include <string>

#include "core/error.h"
#include "serve/http.h"

namespace hoist::serve {

// `code` is the spec's: BLOB_UNKNOWN, BLOB_UPLOAD_INVALID, BLOB_UPLOAD_UNKNOWN, DIGEST_INVALID,
// MANIFEST_BLOB_UNKNOWN, MANIFEST_INVALID, MANIFEST_UNKNOWN, NAME_INVALID, NAME_UNKNOWN,
// SIZE_INVALID, UNAUTHORIZED, DENIED, UNSUPPORTED, TOOMANYREQUESTS (and UNKNOWN for a 500).
Response ApiError(int status, const std::string& code, const std::string& message);

// A store error turned into the closest spec answer: kNotFound → `not_found_code` (404),
// kDigestMismatch → DIGEST_INVALID (400), kTooLarge → SIZE_INVALID (413), anything else → 500.
Response FromError(const Error& e, const std::string& not_found_code);

}  // namespace hoist::serve
