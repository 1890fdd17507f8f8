// RUN --mount specs as BuildKit spells them, and the bad ones refused by the attribute at fault.

#include <catch2/catch.hpp>

#include "builder/run_mounts.h"

using hoist::builder::ParseRunMount;
using hoist::builder::RunMount;

TEST_CASE("RUN --mount specs parse with BuildKit's defaults and aliases") {
  auto bind = ParseRunMount("target=src,source=app", "/work");
  REQUIRE(bind.ok());
  CHECK(bind->type == RunMount::Type::kBind);
  CHECK(bind->target == "/work/src");
  CHECK(bind->source == "app");
  CHECK(bind->read_only);
  auto rw = ParseRunMount("type=bind,dst=/x,from=build,rw", "/");
  REQUIRE(rw.ok());
  CHECK_FALSE(rw->read_only);
  CHECK(rw->from == "build");

  auto cache = ParseRunMount("type=cache,target=/root/.cache,sharing=locked,mode=0755,uid=1000", "/");
  REQUIRE(cache.ok());
  CHECK(cache->id == "/root/.cache");
  CHECK(cache->sharing == "locked");
  CHECK(*cache->mode == 0755);
  CHECK(cache->uid == 1000);

  auto secret = ParseRunMount("type=secret,id=npmrc", "/");
  REQUIRE(secret.ok());
  CHECK(secret->target == "/run/secrets/npmrc");
  CHECK(*secret->mode == 0400);
  auto by_target = ParseRunMount("type=secret,target=/root/.aws/credentials,required", "/");
  REQUIRE(by_target.ok());
  CHECK(by_target->id == "credentials");
  CHECK(by_target->required);
  auto env_only = ParseRunMount("type=secret,id=token,env=TOKEN", "/");
  REQUIRE(env_only.ok());
  CHECK(env_only->target.empty());
  CHECK(env_only->env == "TOKEN");

  auto ssh = ParseRunMount("type=ssh", "/");
  REQUIRE(ssh.ok());
  CHECK(ssh->id == "default");
  CHECK(ssh->target == "/run/buildkit/ssh_agent.0");
  auto tmpfs = ParseRunMount("type=tmpfs,target=/tmp,size=64m", "/");
  REQUIRE(tmpfs.ok());
  CHECK(tmpfs->tmpfs_size == 64u << 20);
  CHECK(tmpfs->canonical == "type=tmpfs,size=64m,target=/tmp");
}

TEST_CASE("bad RUN --mount specs are refused naming the attribute") {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"type=volume,target=/x", "type must be"},
      {"type=bind", "needs a target"},
      {"type=cache,target=/x,sharing=weird", "sharing must be"},
      {"type=cache,target=/x,mode=999", "octal mode"},
      {"type=cache,target=/x,uid=-1", "uid takes a number"},
      {"type=tmpfs,target=/x,size=lots", "size takes a number"},
      {"type=tmpfs,target=/x,source=y", "does not take source"},
      {"type=secret", "needs an id or a target"},
      {"type=secret,id=a,required=maybe", "required takes true or false"},
      {"target=/x,target=/y", "repeats target"},
      {"=x", "KEY=VALUE"},
      {"type=bind,target=/", "over the root"},
      {"type=bind,target=", "target is empty"},
  };
  for (const auto& [spec, says] : cases) {
    INFO(spec);
    auto r = ParseRunMount(spec, "/");
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message(), Catch::Contains(says));
  }
}
