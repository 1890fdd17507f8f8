#include <catch2/catch.hpp>

#include "container/container_env.h"

using hoist::container::ContainerEnv;

TEST_CASE("a container's environment keeps given values and adds PATH, HOSTNAME, HOME and TERM defaults") {
  auto env = ContainerEnv({"A=1", "NOVALUE", "HOME=/srv"}, {"/root", std::string("box"), true});
  CHECK(env == std::vector<std::string>{"A=1", "HOME=/srv",
                                        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                        "HOSTNAME=box", "TERM=xterm"});
  // exec: no HOSTNAME of its own, no terminal.
  auto exec = ContainerEnv({"PATH=/bin"}, {"/home/u", std::nullopt, false});
  CHECK(exec == std::vector<std::string>{"PATH=/bin", "HOME=/home/u"});
}
