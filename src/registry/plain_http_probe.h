#pragma once
// Which scheme a registry that may use plain http gets, decided by one https request, as docker does:
//   - a loopback registry (localhost, 127.0.0.0/8, ::1) not named insecure keeps https (verified)
//     unless it answers the TLS handshake with plain HTTP;
//   - a registry named insecure is tried over https first (unverified) and falls back to http when
//     no TLS handshake completes, so `insecure = true` serves self-signed TLS registries and plain
//     HTTP ones alike.

#include <chrono>
#include <string_view>

#include "registry/http/curl_client.h"

namespace hoist::registry {

// The probe's bound on connecting and handshaking: a registry named insecure or on loopback is near;
// it answers at once or not at all.
inline constexpr std::chrono::milliseconds kPlainHttpProbeTimeout{5'000};

enum class HttpsProbe {
  kTls,        // the handshake completed (any HTTP status after it)
  kPlainHttp,  // the handshake was answered with plain HTTP
  kFailed,     // refused, silent, a certificate failure or another TLS error
};

// One GET https://HOST/v2/ with `http`'s TLS settings (which leave a host named insecure unverified).
HttpsProbe ProbeHttps(const HttpClientOptions& http, std::string_view host_port);

}  // namespace hoist::registry
