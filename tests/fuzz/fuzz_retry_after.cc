// Parses arbitrary bytes as a Retry-After value (delta-seconds or an IMF-fixdate). A parse must
// be a non-negative wait; a parsed date must print back to an IMF-fixdate that parses to the
// same instant.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>

#include "registry/retry.h"

namespace {

void Require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_retry_after: %s for input of %zu bytes: %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

std::string Format(std::chrono::system_clock::time_point when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  if (::gmtime_r(&t, &tm) == nullptr) return "";
  char buf[64];
  if (std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0) return "";
  return buf;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  using namespace hoist::registry;
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));

  if (auto wait = ParseRetryAfter(input, now)) Require(wait->count() >= 0, "negative wait", input);

  auto date = ParseHttpDate(input);
  if (!date) return 0;
  Require(input.size() == 29, "a date that is not IMF-fixdate's 29 characters", input);
  std::string printed = Format(*date);
  if (printed.size() != 29) return 0;  // a year strftime pads differently
  auto again = ParseHttpDate(printed);
  Require(again.has_value(), "printed date does not parse", input);
  Require(*again == *date, "date does not round trip", input);
  auto wait = ParseRetryAfter(printed, now);
  Require(wait.has_value(), "printed date is no Retry-After", input);
  return 0;
}
