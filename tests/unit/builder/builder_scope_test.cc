// ARG/ENV scoping (builder/build_scope.h) and the config instructions (config_steps.h).

#include <catch2/catch.hpp>

#include "builder/build_scope.h"
#include "builder/config_steps.h"

using hoist::builder::BuildScope;
using hoist::builder::GoQuotedList;
using hoist::builder::ParseDuration;

TEST_CASE("a global ARG is seen in stages only once re-declared, with the global value") {
  BuildScope scope({}, {{"TARGETARCH", "amd64"}});
  scope.DeclareGlobal("VERSION", "1.0");
  CHECK(scope.GlobalLookup()("VERSION") == std::optional<std::string>("1.0"));
  CHECK(scope.GlobalLookup()("TARGETARCH") == std::optional<std::string>("amd64"));
  scope.BeginStage({"PATH=/bin"});
  CHECK_FALSE(scope.StageLookup()("VERSION").has_value());
  CHECK(scope.DeclareStageArg("VERSION", std::nullopt) == std::optional<std::string>("1.0"));
  CHECK(scope.StageLookup()("VERSION") == std::optional<std::string>("1.0"));
  scope.BeginStage({});
  CHECK_FALSE(scope.StageLookup()("VERSION").has_value());  // a new stage forgets it
}

TEST_CASE("build args beat defaults, ENV beats ARG, and RUN sees ARGs without them entering the config") {
  BuildScope scope({{"MODE", "release"}, {"UNUSED", "x"}}, {});
  scope.DeclareGlobal("MODE", "debug");
  CHECK(scope.GlobalLookup()("MODE") == std::optional<std::string>("release"));
  scope.BeginStage({"HOME=/root"});
  CHECK(scope.DeclareStageArg("MODE", "stage-default") == std::optional<std::string>("release"));
  CHECK(scope.DeclareStageArg("LEVEL", "3") == std::optional<std::string>("3"));
  std::vector<std::string> env = {"HOME=/root", "LEVEL=9"};
  scope.SetEnv(env);
  CHECK(scope.StageLookup()("LEVEL") == std::optional<std::string>("9"));
  CHECK(scope.ArgPairs(env) == std::vector<std::string>{"MODE=release"});
  CHECK(scope.RunEnv(env) == std::vector<std::string>{"HOME=/root", "LEVEL=9", "MODE=release"});
  CHECK(scope.UnusedBuildArgs() == std::vector<std::string>{"UNUSED"});
}

TEST_CASE("history text quotes lists as buildkit does and durations parse as docker's") {
  CHECK(GoQuotedList({"node", "server.js"}) == "[\"node\" \"server.js\"]");
  CHECK(GoQuotedList({"sh", "-c", "echo \"hi\""}) == "[\"sh\" \"-c\" \"echo \\\"hi\\\"\"]");
  CHECK(*ParseDuration("30s") == 30000000000LL);
  CHECK(*ParseDuration("1m30s") == 90000000000LL);
  CHECK(*ParseDuration("500ms") == 500000000LL);
  CHECK_FALSE(ParseDuration("10").ok());
  CHECK_FALSE(ParseDuration("5 days").ok());
}

TEST_CASE("history text keeps invalid UTF-8 and control bytes as Go's %q does, never throwing") {
  CHECK(GoQuotedList({"sh", "-c", "echo \xff"}) == "[\"sh\" \"-c\" \"echo \\xff\"]");
  CHECK(GoQuotedList({"a\tb\x01", "\xc3\xa9t\xc3"}) == "[\"a\\tb\\x01\" \"\xc3\xa9t\\xc3\"]");
}

// Issue 17: `ARG a0=<4 MB>` then `ARG bN=${a0}${a0}${a0}` repeated grew a build to gigabytes.
TEST_CASE("a stage's ARG, ENV and LABEL values are held to kMaxVariableStateBytes with a Dockerfile:LINE error") {
  namespace df = hoist::builder::dockerfile;
  std::string text = "FROM scratch\nARG a0\n";
  for (int i = 1; i <= 399; ++i) text += "ARG b" + std::to_string(i) + "=${a0}${a0}${a0}\n";
  auto parsed = df::Parse(text, "Dockerfile");
  REQUIRE(parsed.ok());
  BuildScope scope({{"a0", std::string(4 * 1024 * 1024, 'x')}}, {});
  scope.BeginStage({});
  hoist::builder::StageConfig stage;
  std::optional<hoist::Error> error;
  int applied = 0;
  for (const auto& ins : parsed->stages[0].instructions) {
    auto r = hoist::builder::ApplyConfigInstruction(ins, stage, scope, '\\');
    if (!r.ok()) {
      error = r.error();
      break;
    }
    ++applied;
  }
  REQUIRE(error.has_value());
  CHECK(applied < 10);  // stopped long before 399 × 12 MB
  CHECK_THAT(error->message(), Catch::StartsWith("Dockerfile:"));
  CHECK_THAT(error->message(), Catch::Contains("kMaxVariableStateBytes"));
  CHECK(scope.StageBytes() <= df::kMaxVariableStateBytes + 13 * 1024 * 1024);

  // One instruction of many pairs is refused before its values are kept.
  auto many = df::Parse("FROM scratch\nENV a=${a0}${a0}${a0} b=${a0}${a0}${a0} c=${a0}${a0}${a0} "
                        "d=${a0}${a0}${a0} e=${a0}${a0}${a0} f=${a0}${a0}${a0}\n",
                        "Dockerfile");
  REQUIRE(many.ok());
  BuildScope fresh({{"a0", std::string(4 * 1024 * 1024, 'x')}}, {});
  fresh.BeginStage({});
  fresh.DeclareStageArg("a0", std::nullopt);
  hoist::builder::StageConfig other;
  auto r = hoist::builder::ApplyConfigInstruction(many->stages[0].instructions[0], other, fresh, '\\');
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("Dockerfile:2"));
  CHECK_THAT(r.error().message(), Catch::Contains("kMaxVariableStateBytes"));
}
