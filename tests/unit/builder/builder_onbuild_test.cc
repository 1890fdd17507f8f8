// ParseOnbuildTrigger: a base's OnBuild strings back into instructions, refusing crafted ones.

#include <catch2/catch.hpp>

#include "builder/onbuild.h"

using hoist::builder::ParseOnbuildTrigger;

TEST_CASE("ONBUILD triggers parse back into one instruction named by base and number") {
  auto run = ParseOnbuildTrigger("RUN echo hi", "ONBUILD of base:1", 2);
  REQUIRE(run.ok());
  CHECK(run->keyword == "RUN");
  CHECK(run->text == "echo hi");
  CHECK(run->location.ToString().rfind("ONBUILD of base:1 trigger 2", 0) == 0);
  auto copy = ParseOnbuildTrigger("COPY --chown=1:1 [\"a b\", \"/c\"]", "ONBUILD of base:1", 1);
  REQUIRE(copy.ok());
  CHECK(copy->keyword == "COPY");
  CHECK(copy->exec_form);
}

TEST_CASE("crafted ONBUILD triggers are refused by name") {
  for (const char* bad : {"", "FROM busybox", "ONBUILD RUN x", "MAINTAINER me", "RUN a\nRUN b", "NOSUCH x",
                          "RUN <<EOF\nunterminated", "COPY [\"unterminated"}) {
    INFO(bad);
    auto r = ParseOnbuildTrigger(bad, "ONBUILD of base:1", 3);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message(), Catch::Contains("ONBUILD of base:1 trigger 3"));
  }
}
