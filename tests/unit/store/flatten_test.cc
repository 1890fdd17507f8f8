#include <catch2/catch.hpp>
#include <map>

#include "core/tar_reader.h"
#include "oci_archive_test_support.h"
#include "store/flatten.h"

namespace hoist::store {
namespace {

using namespace hoist::store::testing;

// path → data (directories "dir/" → "<dir>", links "-> target").
std::map<std::string, std::string> Flatten(const std::vector<std::string>& layers, std::vector<std::string>* order = nullptr) {
  StringWriter out;
  auto st = FlattenLayers(
      layers.size(), [&](size_t i) -> Result<std::unique_ptr<Reader>> { return std::unique_ptr<Reader>(new StringReader(layers[i])); },
      out);
  REQUIRE(st.ok());
  StringReader r(out.str());
  TarReader t(r);
  std::map<std::string, std::string> files;
  for (;;) {
    auto e = t.Next();
    REQUIRE(e.ok());
    if (!*e) break;
    std::string v;
    if ((*e)->type == TarEntryType::kDirectory) v = "<dir>";
    else if ((*e)->type == TarEntryType::kHardlink) v = "=> " + (*e)->link_target;
    else if ((*e)->type == TarEntryType::kSymlink) v = "-> " + (*e)->link_target;
    else {
      auto data = ReadAll(t.data(), 1 << 20);
      REQUIRE(data.ok());
      v = *data;
    }
    if (order) order->push_back((*e)->path);
    CHECK(files.count((*e)->path) == 0);  // every path once
    files[(*e)->path] = v;
  }
  return files;
}

TEST_CASE("flatten: upper layers win, whiteouts delete, whiteout files are not written") {
  std::string l0 = MakeTar({{"etc/", "", TarEntryType::kDirectory, ""},
                            {"etc/a", "a0"},
                            {"etc/b", "b0"},
                            {"etc/sub/", "", TarEntryType::kDirectory, ""},
                            {"etc/sub/deep", "d0"}});
  std::string l1 = MakeTar({{"etc/a", "a1"}, {"etc/.wh.b", ""}, {"etc/.wh.sub", ""}, {"new", "n1"}});
  auto files = Flatten({l0, l1});
  CHECK(files["etc/a"] == "a1");
  CHECK(files.count("etc/b") == 0);
  CHECK(files.count("etc/sub/") == 0);
  CHECK(files.count("etc/sub/deep") == 0);
  CHECK(files["new"] == "n1");
  CHECK(files["etc/"] == "<dir>");
  for (const auto& [p, v] : files) CHECK(p.find(".wh.") == std::string::npos);
}

TEST_CASE("flatten: an opaque directory hides what lower layers put in it, not what its own layer adds") {
  std::string l0 = MakeTar({{"d/", "", TarEntryType::kDirectory, ""}, {"d/old", "o"}, {"keep", "k"}});
  std::string l1 = MakeTar({{"d/", "", TarEntryType::kDirectory, ""}, {"d/.wh..wh..opq", ""}, {"d/new", "n"}});
  auto files = Flatten({l0, l1});
  CHECK(files.count("d/old") == 0);
  CHECK(files["d/new"] == "n");
  CHECK(files["d/"] == "<dir>");
  CHECK(files["keep"] == "k");
}

TEST_CASE("flatten: a file replacing a directory hides the directory's lower content") {
  std::string l0 = MakeTar({{"x/", "", TarEntryType::kDirectory, ""}, {"x/inner", "i"}});
  std::string l1 = MakeTar({{"x", "now a file"}});
  auto files = Flatten({l0, l1});
  CHECK(files["x"] == "now a file");
  CHECK(files.count("x/inner") == 0);
  CHECK(files.count("x/") == 0);
}

TEST_CASE("flatten: a hardlink to a lower layer's file comes after its target") {
  std::string l0 = MakeTar({{"bin/", "", TarEntryType::kDirectory, ""}, {"bin/busybox", "BB"}});
  std::string l1 = MakeTar({{"bin/sh", "", TarEntryType::kHardlink, "bin/busybox"}});
  std::vector<std::string> order;
  auto files = Flatten({l0, l1}, &order);
  CHECK(files["bin/sh"] == "=> bin/busybox");
  auto target = std::find(order.begin(), order.end(), "bin/busybox");
  auto link = std::find(order.begin(), order.end(), "bin/sh");
  REQUIRE(target != order.end());
  REQUIRE(link != order.end());
  CHECK(target < link);
}

TEST_CASE("flatten: a layer entry escaping the root is an error") {
  std::string bad = MakeTar({{"../../etc/passwd", "x"}});
  StringWriter out;
  auto st = FlattenLayers(1, [&](size_t) -> Result<std::unique_ptr<Reader>> { return std::unique_ptr<Reader>(new StringReader(bad)); }, out);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kUnsafePath);
}

}  // namespace
}  // namespace hoist::store
