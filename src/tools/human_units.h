#pragma once
// Sizes and ages the way docker prints them ("7.38MB", "2 weeks ago"), for table output.

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

#include "core/human_size.h"

namespace hoist::tools {

using hoist::HumanSize;  // core/human_size.h: "62.9MB", as docker prints sizes

// RFC 3339 ("2024-01-02T03:04:05.123Z", "…+02:00") → seconds since the epoch; nullopt if malformed.
std::optional<time_t> ParseRfc3339(const std::string& text);

// "3 days ago", "About an hour ago", as docker's units.HumanDuration; "N/A" for an unknown time.
std::string HumanAge(const std::string& rfc3339, time_t now);

// Go's time.Time.String() in UTC, as docker's CreatedAt fields print: "2024-01-02 03:04:05 +0000 UTC";
// "" for an unknown time.
std::string DockerTime(const std::string& rfc3339);

}  // namespace hoist::tools
