#pragma once
// Which TLS a registry host gets: docker/podman per-host certificate directories, an explicit CA
// file, and the user's list of insecure registries. A host named insecure is spoken to over https
// without verification when it answers TLS, else over plain http; a loopback host not named is
// spoken to over http only when its port answers a TLS handshake with plain HTTP (docker's default).
// RegistryClient makes both choices after one probe (registry/plain_http_probe.h).

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hoist::registry {

// What one connection uses; CurlClient applies it.
struct TlsOptions {
  bool verify = true;
  std::string ca_file;      // a CA bundle file used instead of the default bundle
  std::string ca_pem;       // CA certificates in PEM (certs.d *.crt, plus ca_file's text if both)
  std::string client_cert;  // path of a PEM client certificate
  std::string client_key;   // path of its key
};

struct TlsSettings {
  std::vector<std::string> insecure_registries;  // "host" or "host:port", as the user wrote them
  bool tls_verify = true;                        // false: no verification for any host
  std::string ca_file;                           // --ca-file
  // Per-host directories <root>/<host[:port]>/ with *.crt (CAs), *.cert + *.key (client pair).
  // The first root holding a directory for the host wins, as in containers/image.
  std::vector<std::string> cert_dirs = {"/etc/containers/certs.d", "/etc/docker/certs.d"};
  // A loopback registry (IsLoopbackHost) that speaks plain HTTP is used over http without being
  // named insecure, as docker does for 127.0.0.0/8. Its TLS, when it has some, is still verified.
  bool loopback_plain_http = true;
};

// localhost, 127.0.0.0/8 and ::1, with or without a port. Decided by the name alone, never by a
// DNS lookup: a name that merely resolves to 127.0.0.1 could resolve elsewhere tomorrow.
bool IsLoopbackHost(std::string_view host_port);

// The words the transport puts in an error when a server answered the TLS handshake with plain
// HTTP (OpenSSL's "wrong version number"); see PlainHttpError.
inline constexpr std::string_view kPlainHttpReply = "speaks plain HTTP, not HTTPS";

// True for the OpenSSL/curl texts that mean "the peer answered TLS with plain HTTP".
bool TlsErrorMeansPlainHttp(std::string_view curl_error);

// "HOST speaks plain HTTP, not HTTPS (DETAIL): ..." naming the ways to allow plain http.
std::string PlainHttpMessage(std::string_view host_port, std::string_view detail);

// host_port is "host" for the scheme's default port, else "host:port" (UrlOrigin::HostPort()).
bool IsInsecureRegistry(std::string_view host_port, const TlsSettings& settings);

// Fails when a certificate directory is unreadable or holds a client certificate without its
// key (or a key without its certificate).
Result<TlsOptions> TlsForHost(const std::string& host_port, const TlsSettings& settings);

}  // namespace hoist::registry
