#pragma once
// RFC 8288 Link headers, as registries use them for pagination: `<url>; rel="next"`.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoist::registry {

// The target of the first link whose rel includes "next" among the given header values (a
// response may send several Link headers, each with several comma-separated links). The URL is
// returned as written: often relative ("/v2/x/tags/list?last=b&n=2"), to be resolved by the caller.
std::optional<std::string> NextLink(const std::vector<std::string>& link_headers);

}  // namespace hoist::registry
