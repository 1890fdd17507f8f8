#include "core/base64.h"

#include <catch2/catch.hpp>

using hoist::Base64Padding;
using hoist::DecodeBase64;

TEST_CASE("base64 padding is required by default and optional on request") {
  CHECK_FALSE(DecodeBase64("Zm8").has_value());
  CHECK(DecodeBase64("Zm8", Base64Padding::kOptional).value() == "fo");
  CHECK(DecodeBase64("Zm8=", Base64Padding::kOptional).value() == "fo");
  CHECK(DecodeBase64("YWxpY2U6czNjcmV0").value() == "alice:s3cret");
}

TEST_CASE("base64 with stray bits or misplaced padding is rejected") {
  for (const char* bad : {"Zm9=", "Zh==", "Z", "Zm8==", "=", "Zm 8"}) {
    INFO(bad);
    CHECK_FALSE(DecodeBase64(bad, Base64Padding::kOptional).has_value());
  }
}
