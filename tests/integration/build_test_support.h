#pragma once
// What the `hoist build` tests share: a store holding a busybox-static image made without network
// (tests/unit/container/container_test_util.h's MakeBusyboxRootfs, imported with `hoist import`), context
// directories written from a map, and hoist run with that store.

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/run_command.h"
#include "support/temp_dir.h"
#include "unit/container/container_test_util.h"

namespace hoist::testing {

inline constexpr const char* kBuildBase = "localhost/test/busybox:1";

struct BuildEnv {
  TempDir tmp;
  std::vector<std::string> env;
  bool ok = false;

  BuildEnv() {
    env = {"HOIST_STORE=" + tmp / "store"};
    const std::string rootfs = tmp / "rootfs";
    REQUIRE(::mkdir(rootfs.c_str(), 0755) == 0);
    if (!container::testing::MakeBusyboxRootfs(rootfs)) return;
    REQUIRE(RunCommand({"tar", "-C", rootfs, "-cf", tmp / "rootfs.tar", "."}).exit_code == 0);
    ImportBase(tmp / "rootfs.tar");
    ok = true;
  }

  // Makes kBuildBase from a rootfs tar, with a fixed creation time: the same tar gives the same image.
  void ImportBase(const std::string& tar) const {
    auto imported = Hoist({"import", tar, kBuildBase}, {"SOURCE_DATE_EPOCH=1600000000"});
    INFO(imported.err);
    REQUIRE(imported.exit_code == 0);
  }

  CommandResult Hoist(const std::vector<std::string>& args, std::vector<std::string> extra = {},
                      const std::string& stdin_data = "") const {
    extra.insert(extra.end(), env.begin(), env.end());
    return RunHoist(args, extra, stdin_data);
  }

  // Writes files (path → content; a path ending in "/" is a directory) under tmp/<dir>.
  std::string Context(const std::string& dir, const std::map<std::string, std::string>& files) const {
    const std::string root = tmp / dir;
    ::mkdir(root.c_str(), 0755);
    for (const auto& [path, content] : files) {
      std::string full = root + "/" + path;
      for (size_t slash = full.find('/', root.size() + 1); slash != std::string::npos;
           slash = full.find('/', slash + 1)) {
        ::mkdir(full.substr(0, slash).c_str(), 0755);
      }
      if (path.back() != '/') WriteFile(full, content);
    }
    return root;
  }

  // `hoist build` of `context` with extra arguments; the build must succeed.
  CommandResult Build(const std::string& context, std::vector<std::string> args,
                      std::vector<std::string> extra_env = {}) const {
    args.insert(args.begin(), "build");
    args.push_back(context);
    auto r = Hoist(args, std::move(extra_env));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  }

  // `hoist run --rm IMAGE sh -c SCRIPT`'s standard output (the run must succeed).
  std::string Run(const std::string& image, const std::string& script) const {
    auto r = Hoist({"run", "--rm", image, "sh", "-c", script});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return r.out;
  }

  // The image config (`hoist inspect --format json`'s Config part as the store holds it).
  nlohmann::json Config(const std::string& image) const {
    auto r = Hoist({"inspect", "--config", image});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    REQUIRE(!j.is_discarded());
    return j;
  }
};

// How many times `needle` occurs in `text`.
inline int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

}  // namespace hoist::testing
