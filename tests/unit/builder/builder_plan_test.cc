// Which stages a build needs (builder/stage_plan.h).

#include <catch2/catch.hpp>

#include "builder/stage_plan.h"

using namespace hoist::builder;
namespace df = hoist::builder::dockerfile;

namespace {

df::Dockerfile ParseOk(const std::string& text) {
  auto f = df::Parse(text, "Dockerfile");
  INFO((f.ok() ? std::string() : f.error().message()));
  REQUIRE(f.ok());
  return std::move(f).value();
}

}  // namespace

TEST_CASE("only the stages the target needs are planned, in file order") {
  auto file = ParseOk(
      "ARG BASE=busybox\n"
      "FROM ${BASE} AS deps\nRUN echo deps\n"
      "FROM busybox AS unused\nRUN echo unused\n"
      "FROM deps AS build\nRUN echo build\n"
      "FROM busybox AS assets\nRUN echo assets\n"
      "FROM scratch\nCOPY --from=build /out /out\nCOPY --from=3 /a /a\n");
  BuildScope scope({}, {});
  scope.DeclareGlobal("BASE", "busybox");
  auto plan = PlanStages(file, "", scope);
  REQUIRE(plan.ok());
  CHECK(plan->order == std::vector<int>{0, 2, 3, 4});
  CHECK(plan->target == 4);
  CHECK(plan->bases[0] == "busybox");
  CHECK(plan->steps == 2 + 2 + 2 + 3);  // FROM and the instructions of each planned stage

  auto only_build = PlanStages(file, "build", scope);
  REQUIRE(only_build.ok());
  CHECK(only_build->order == std::vector<int>{0, 2});
  CHECK(only_build->steps == 4);

  auto missing = PlanStages(file, "nope", scope);
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message(), Catch::Contains("nope"));
}

TEST_CASE("stage names resolve case-insensitively, numbers only to earlier stages") {
  auto file = ParseOk("FROM busybox AS Builder\nRUN true\nFROM scratch\nCOPY --from=builder /x /x\n");
  CHECK(FindStage(file, "BUILDER", 1) == std::optional<int>(0));
  CHECK(FindStage(file, "0", 1) == std::optional<int>(0));
  CHECK_FALSE(FindStage(file, "1", 1).has_value());
  CHECK_FALSE(FindStage(file, "builder", 0).has_value());
  CHECK(LooksLikeStageName("builder"));
  CHECK_FALSE(LooksLikeStageName("busybox:latest"));
  CHECK_FALSE(LooksLikeStageName("example.com/app"));
}
