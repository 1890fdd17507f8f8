#include "core/platform.h"

#include <catch2/catch.hpp>

using namespace hoist;

namespace {
Platform P(const char* text) { return Platform::Parse(text).value(); }
}  // namespace

TEST_CASE("platform strings parse and print") {
  Platform p = P("linux/arm64/v8");
  CHECK(p.os == "linux");
  CHECK(p.architecture == "arm64");
  CHECK(p.variant == "v8");
  CHECK(p.str() == "linux/arm64/v8");
  CHECK(P("linux/amd64").str() == "linux/amd64");
  CHECK(P("windows/amd64").variant.empty());
}

TEST_CASE("malformed platform strings are rejected") {
  for (const char* bad : {"", "linux", "linux/", "/amd64", "linux/arm64/v8/extra", "linux//v8", "linux/amd 64",
                          "linux/arm64/"}) {
    INFO(bad);
    auto p = Platform::Parse(bad);
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(p.error().message(), Catch::Contains("invalid platform"));
  }
}

TEST_CASE("platforms normalise as containerd spells them") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"linux/arm64", "linux/arm64/v8"},    {"linux/aarch64", "linux/arm64/v8"},
      {"linux/arm64/8", "linux/arm64/v8"},  {"linux/arm64/v8", "linux/arm64/v8"},
      {"linux/arm64/v9", "linux/arm64/v9"}, {"linux/x86_64", "linux/amd64"},
      {"linux/x86-64", "linux/amd64"},      {"linux/amd64/v1", "linux/amd64"},
      {"linux/amd64/v3", "linux/amd64/v3"}, {"linux/armhf", "linux/arm/v7"},
      {"linux/armel", "linux/arm/v6"},      {"linux/arm", "linux/arm/v7"},
      {"linux/arm/6", "linux/arm/v6"},      {"linux/arm/v5", "linux/arm/v5"},
      {"linux/i386", "linux/386"},          {"linux/i686", "linux/386"},
      {"Linux/AMD64", "linux/amd64"},       {"macos/arm64", "darwin/arm64/v8"},
      {"linux/ppc64le", "linux/ppc64le"},   {"linux/s390x", "linux/s390x"},
      {"linux/riscv64", "linux/riscv64"},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    CHECK(P(c.in).Normalized().str() == c.out);
  }
}

TEST_CASE("platform matching compares normalised forms and treats an absent wanted variant as any") {
  struct Case {
    const char* have;
    const char* want;
    bool match;
  };
  const Case cases[] = {
      {"linux/arm64/v8", "linux/arm64", true},   {"linux/arm64", "linux/arm64/v8", true},
      {"linux/arm64/v8", "linux/aarch64", true}, {"linux/arm64/v9", "linux/arm64", true},
      {"linux/arm64/v9", "linux/arm64/v8", false}, {"linux/arm/v7", "linux/armhf", true},
      {"linux/arm", "linux/arm/v7", true},       {"linux/arm/v6", "linux/arm/v7", false},
      {"linux/arm/v6", "linux/arm", true},       {"linux/amd64", "linux/x86_64", true},
      {"linux/amd64", "linux/arm64", false},     {"windows/amd64", "linux/amd64", false},
      {"unknown/unknown", "linux/amd64", false}, {"linux/386", "linux/i386", true},
  };
  for (const auto& c : cases) {
    INFO(c.have << " serves " << c.want);
    CHECK(P(c.have).Matches(P(c.want)) == c.match);
  }
}

TEST_CASE("a wanted os.version must match exactly") {
  Platform have = P("windows/amd64");
  have.os_version = "10.0.17763.1879";
  Platform want = P("windows/amd64");
  CHECK(have.Matches(want));
  want.os_version = "10.0.17763.1879";
  CHECK(have.Matches(want));
  want.os_version = "10.0.20348.1";
  CHECK_FALSE(have.Matches(want));
}

TEST_CASE("the host platform is normalised and known") {
  Platform h = Platform::Host();
  CHECK_FALSE(h.os.empty());
  CHECK_FALSE(h.architecture.empty());
  CHECK(h == h.Normalized());
#if defined(__x86_64__) && defined(__linux__)
  CHECK(h.str() == "linux/amd64");
#endif
}

TEST_CASE("platform JSON requires os and architecture and keeps the dotted fields") {
  auto j = nlohmann::ordered_json::parse(
      R"({"architecture":"amd64","os":"windows","os.version":"10.0.17763.1879","os.features":["win32k"]})");
  auto p = PlatformFromJson(j, "manifests[0].platform");
  REQUIRE(p.ok());
  CHECK(p->os_version == "10.0.17763.1879");
  CHECK(p->os_features == std::vector<std::string>{"win32k"});
  CHECK(ToJson(*p) == j);

  auto missing = PlatformFromJson(nlohmann::ordered_json::parse(R"({"architecture":"amd64"})"), "manifests[0].platform");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message(), Catch::Contains("manifests[0].platform.os: missing"));
  auto wrong = PlatformFromJson(nlohmann::ordered_json::parse(R"({"architecture":7,"os":"linux"})"), "platform");
  REQUIRE_FALSE(wrong.ok());
  CHECK_THAT(wrong.error().message(), Catch::Contains("platform.architecture: must be a string"));
}
