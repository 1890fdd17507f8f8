#pragma once
// Docker's default for loopback registries: a registry on localhost, 127.0.0.0/8 or ::1 that
// answers a TLS handshake with plain HTTP is used over http without --insecure-registry.

#include <chrono>
#include <string_view>

#include "registry/http/curl_client.h"

namespace hoist::registry {

// The probe's bound on connecting and handshaking: a loopback server answers at once or not at all.
inline constexpr std::chrono::milliseconds kPlainHttpProbeTimeout{5'000};

// One GET https://HOST/v2/ with `http`'s TLS settings. True only when the handshake was answered
// with plain HTTP; any HTTP status, a certificate failure, a refused connection or silence keep
// https, so the real request reports what went wrong.
bool SpeaksPlainHttp(const HttpClientOptions& http, std::string_view host_port);

}  // namespace hoist::registry
