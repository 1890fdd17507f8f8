#include "registry/auth/credential_helper.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "support/temp_dir.h"
#include "unit/registry/fake_credential_helper.h"

using hoist::ErrorCode;
using hoist::registry::Credential;
using hoist::registry::CredentialHelper;
using hoist::registry::CredentialHelperOptions;
using hoist::testing::ReadFile;
using hoist::testing::TempDir;
using hoist::testing::PathGuard;
using hoist::testing::WriteHelperScript;

TEST_CASE("a credential helper stores, gets and erases a login") {
  TempDir dir;
  WriteHelperScript(dir, "test", hoist::testing::kFakeCredentialHelper);
  PathGuard path(dir.path());
  CredentialHelper helper("test");
  CHECK(helper.program() == "docker-credential-test");

  REQUIRE(helper.Store("registry.example.com", Credential{"alice", "s3cret-pw", ""}).ok());
  auto got = helper.Get("registry.example.com");
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->username == "alice");
  CHECK((*got)->password == "s3cret-pw");
  CHECK((*got)->identity_token.empty());

  REQUIRE(helper.Erase("registry.example.com").ok());
  auto gone = helper.Get("registry.example.com");
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());

  // The secret went through stdin only, never the command line.
  std::string argv = ReadFile(dir / "helper-store/argv.log");
  CHECK(argv == "store\nget\nerase\nget\n");
}

TEST_CASE("a credential helper's not-found answer is no credential, not an error") {
  TempDir dir;
  WriteHelperScript(dir, "test", hoist::testing::kFakeCredentialHelper);
  PathGuard path(dir.path());
  CredentialHelper helper("test");
  auto got = helper.Get("nothing.example.com");
  REQUIRE(got.ok());
  CHECK_FALSE(got->has_value());
  CHECK(helper.Erase("nothing.example.com").ok());
}

TEST_CASE("identity tokens travel through helpers as the user <token>") {
  TempDir dir;
  WriteHelperScript(dir, "test", hoist::testing::kFakeCredentialHelper);
  PathGuard path(dir.path());
  CredentialHelper helper("test");
  REQUIRE(helper.Store("https://index.docker.io/v1/", Credential{"bob", "", "refresh-123"}).ok());
  std::string stored = ReadFile(dir / "helper-store/https___index.docker.io_v1_");
  CHECK_THAT(stored, Catch::Contains(R"("Username":"<token>")"));
  CHECK_THAT(stored, Catch::Contains(R"("Secret":"refresh-123")"));
  auto got = helper.Get("https://index.docker.io/v1/");
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->identity_token == "refresh-123");
  CHECK((*got)->password.empty());
}

TEST_CASE("a missing credential helper is a clear error") {
  CredentialHelper helper("hoist-no-such-helper");
  auto got = helper.Get("registry.example.com");
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().code() == ErrorCode::kNotFound);
  CHECK_THAT(got.error().ToString(), Catch::Contains("docker-credential-hoist-no-such-helper is not installed"));
}

TEST_CASE("credential helper names that are paths are refused") {
  for (const char* name : {"../evil", "/bin/sh", "", "a b"}) {
    CredentialHelper helper(name);
    auto got = helper.Get("registry.example.com");
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code() == ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("a failing credential helper's message is reported without the secret") {
  TempDir dir;
  WriteHelperScript(dir, "broken", "#!/bin/sh\nin=$(cat)\necho \"store failed: $in\"\nexit 3\n");
  PathGuard path(dir.path());
  CredentialHelper helper("broken");
  auto st = helper.Store("registry.example.com", Credential{"alice", "pw-XYZZY", ""});
  REQUIRE_FALSE(st.ok());
  const std::string m = st.error().ToString();
  CHECK_THAT(m, Catch::Contains("docker-credential-broken store"));
  CHECK_THAT(m, Catch::Contains("exit status 3"));
  CHECK_THAT(m, Catch::Contains("store failed"));
  CHECK_THAT(m, !Catch::Contains("pw-XYZZY"));
}

TEST_CASE("a credential helper's malformed answer is a parse error that does not echo it") {
  TempDir dir;
  WriteHelperScript(dir, "garbage", "#!/bin/sh\necho '{\"Username\":\"a\",\"Secret\":\"leak-me\"'\n");
  WriteHelperScript(dir, "wrongtype", "#!/bin/sh\necho '{\"Username\":\"a\",\"Secret\":42}'\n");
  PathGuard path(dir.path());
  for (const char* name : {"garbage", "wrongtype"}) {
    auto got = CredentialHelper(name).Get("registry.example.com");
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code() == ErrorCode::kParse);
    CHECK_THAT(got.error().message(), Catch::Contains("malformed answer"));
    CHECK_THAT(got.error().message(), !Catch::Contains("leak-me"));
  }
}

TEST_CASE("a credential helper that hangs is killed after the timeout") {
  TempDir dir;
  WriteHelperScript(dir, "slow", "#!/bin/sh\nexec sleep 30\n");
  PathGuard path(dir.path());
  CredentialHelperOptions options;
  options.timeout = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  auto got = CredentialHelper("slow", options).Get("registry.example.com");
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().code() == ErrorCode::kTimeout);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("a credential helper's output is read only up to a bound") {
  TempDir dir;
  WriteHelperScript(dir, "chatty", "#!/bin/sh\nhead -c 200000 /dev/zero | tr '\\0' x\n");
  PathGuard path(dir.path());
  CredentialHelperOptions options;
  options.max_output = 1000;
  auto got = CredentialHelper("chatty", options).Get("registry.example.com");
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().code() == ErrorCode::kTooLarge);
}

TEST_CASE("a credential helper that ignores its input does not take us down") {
  TempDir dir;
  WriteHelperScript(dir, "deaf", "#!/bin/sh\nexit 0\n");
  PathGuard path(dir.path());
  // Larger than a pipe buffer, so the write meets a closed pipe.
  std::string big(1 << 20, 'p');
  CHECK(CredentialHelper("deaf").Store("registry.example.com", Credential{"a", big, ""}).ok());
}
