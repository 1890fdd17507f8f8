#pragma once
// The few URL operations the transport needs: origins (for redirect credential stripping and
// per-host TLS) and resolving a Location header against the URL it came from.

#include <string>
#include <string_view>

#include "core/error.h"

namespace hoist::registry {

struct UrlOrigin {
  std::string scheme;  // lowercase
  std::string host;    // lowercase; IPv6 in brackets
  int port = 0;        // the scheme's default when the URL names none

  bool operator==(const UrlOrigin&) const = default;
  // "host" when the port is the scheme's default, else "host:port": the name docker uses for
  // /etc/docker/certs.d/<host[:port]>/.
  std::string HostPort() const;
};

// Only http and https URLs are accepted.
Result<UrlOrigin> ParseOrigin(std::string_view url);

// `reference` (absolute, or relative as in a Location header) resolved against `base`.
Result<std::string> ResolveUrl(std::string_view base, std::string_view reference);

}  // namespace hoist::registry
