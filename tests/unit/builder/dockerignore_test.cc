// .dockerignore matching with docker's rules (the examples of the Dockerfile reference first).
#include <catch2/catch.hpp>

#include "builder/dockerignore.h"

using hoist::builder::IgnoreMatcher;

namespace {

IgnoreMatcher Must(std::string_view text) {
  auto m = IgnoreMatcher::Parse(text);
  if (!m.ok()) FAIL(m.error().message());
  return std::move(m).value();
}

}  // namespace

TEST_CASE("the reference example: comments, * one level, ? one character", "[dockerignore]") {
  auto m = Must("# comment\n*/temp*\n*/*/temp*\ntemp?\n");
  CHECK(m.Excluded("somedir/temporary.txt"));
  CHECK(m.Excluded("somedir/temp"));
  CHECK(m.Excluded("somedir/subdir/temporary.txt"));
  CHECK(m.Excluded("tempa"));
  CHECK(m.Excluded("tempb"));
  CHECK_FALSE(m.Excluded("temp"));
  CHECK_FALSE(m.Excluded("tempab"));
  CHECK_FALSE(m.Excluded("temporary.txt"));
  CHECK_FALSE(m.Excluded("a/b/c/temp"));
  CHECK_FALSE(m.Excluded("# comment"));
}

TEST_CASE("** matches any number of directories", "[dockerignore]") {
  auto m = Must("**/*.go\n");
  CHECK(m.Excluded("main.go"));
  CHECK(m.Excluded("a/b/c/x.go"));
  CHECK_FALSE(m.Excluded("a/b/c/x.gox"));
  auto under = Must("docs/**/*.md\n");
  CHECK(under.Excluded("docs/a.md"));
  CHECK(under.Excluded("docs/x/y/a.md"));
  CHECK_FALSE(under.Excluded("other/a.md"));
  auto tail = Must("build/**\n");
  CHECK(tail.Excluded("build/x"));
  CHECK(tail.Excluded("build/x/y"));
  auto suffix = Must("**.txt\n");  // docker's suffix test: any path ending in .txt
  CHECK(suffix.Excluded("a/b.txt"));
  CHECK(suffix.Excluded("b.txt"));
  auto middle = Must("a**b\nx/**/y\n");
  CHECK(middle.Excluded("ab"));
  CHECK(middle.Excluded("a/q/b"));
  CHECK(middle.Excluded("x/y"));
  CHECK(middle.Excluded("x/1/2/y/z"));
  CHECK_FALSE(middle.Excluded("x/1/2/yz"));
  auto all = Must("**\n");
  CHECK(all.Excluded("anything/at/all"));
}

TEST_CASE("! exceptions, the last match wins", "[dockerignore]") {
  auto m = Must("*.md\n!README*.md\nREADME-secret.md\n");
  CHECK(m.Excluded("CHANGES.md"));
  CHECK_FALSE(m.Excluded("README.md"));
  CHECK_FALSE(m.Excluded("README-public.md"));
  CHECK(m.Excluded("README-secret.md"));

  auto order = Must("*.md\nREADME-secret.md\n!README*.md\n");
  CHECK_FALSE(order.Excluded("README-secret.md"));
}

TEST_CASE("a matched directory excludes everything beneath it", "[dockerignore]") {
  auto m = Must("node_modules\n/dist/\n./tmp\nlogs/../cache\n");
  CHECK(m.Excluded("node_modules"));
  CHECK(m.Excluded("node_modules/x/y.js"));
  CHECK_FALSE(m.Excluded("src/node_modules"));
  CHECK(m.Excluded("dist/app.js"));
  CHECK(m.Excluded("tmp/a"));
  CHECK(m.Excluded("cache/a"));
  CHECK_FALSE(m.Excluded("logs/a"));
  CHECK_FALSE(m.Excluded("distribution"));
}

TEST_CASE("lines are trimmed, # only comments in the first column", "[dockerignore]") {
  auto m = Must("\xEF\xBB\xBF  a.txt  \r\n\n  # b.txt\n\t! c.txt\n*.txt\n! c.txt\n");
  CHECK(m.Excluded("a.txt"));
  CHECK(m.Excluded("# b.txt"));
  CHECK_FALSE(m.Excluded("c.txt"));
}

TEST_CASE("character classes and escapes", "[dockerignore]") {
  auto m = Must("file[0-9].log\n[^a]x\nlit\\*star\n");
  CHECK(m.Excluded("file3.log"));
  CHECK_FALSE(m.Excluded("filex.log"));
  CHECK(m.Excluded("bx"));
  CHECK_FALSE(m.Excluded("ax"));
  CHECK(m.Excluded("lit*star"));
  CHECK_FALSE(m.Excluded("litXstar"));
  auto utf8 = Must("caf?\n");
  CHECK(utf8.Excluded("caf\xC3\xA9"));
  // Bytes that are not UTF-8 (here an overlong '<') match only themselves.
  auto raw = Must("@\xC0\xBC\n");
  CHECK(raw.Excluded("@\xC0\xBC/x"));
  CHECK_FALSE(raw.Excluded("@<"));
}

TEST_CASE("MayReinclude tells the walker when an excluded directory must be entered", "[dockerignore]") {
  auto m = Must("vendor\n!vendor/keep/**\nbuild\n");
  CHECK(m.Excluded("vendor"));
  CHECK(m.MayReinclude("vendor"));
  CHECK(m.Excluded("vendor/drop.txt"));
  CHECK_FALSE(m.Excluded("vendor/keep/x.txt"));
  CHECK(m.Excluded("build"));
  CHECK_FALSE(m.MayReinclude("build"));
  CHECK_FALSE(m.MayReinclude("vendor/other"));

  auto wild = Must("*\n!**/*.go\n");
  CHECK(wild.MayReinclude("any/dir"));
  CHECK_FALSE(wild.Excluded("any/dir/x.go"));
  CHECK(wild.Excluded("any/dir/x.c"));
}

TEST_CASE("bad patterns are errors naming the line", "[dockerignore]") {
  auto bad = IgnoreMatcher::Parse("ok\n\nfile[0-9.log\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == hoist::ErrorCode::kParse);
  CHECK(bad.error().message() == ".dockerignore:3: bad pattern \"file[0-9.log\": unterminated character class");
  auto bang = IgnoreMatcher::Parse("!\n");
  REQUIRE_FALSE(bang.ok());
  CHECK(bang.error().message() == ".dockerignore:1: illegal exclusion pattern: \"!\"");
  CHECK_FALSE(IgnoreMatcher::Parse("a\\").ok());
  CHECK_FALSE(IgnoreMatcher::Parse("[]a]").ok());
  CHECK_FALSE(IgnoreMatcher::Parse("[a-]").ok());
  CHECK(IgnoreMatcher::Parse("").ok());
}

TEST_CASE("a pattern docker refuses, or reads as another regexp, is an error naming its line", "[dockerignore]") {
  // Docker builds a Go regexp from the pattern: "[Local-Only]" holds the reversed range l-O, which it refuses.
  auto reversed = IgnoreMatcher::Parse("node_modules\n[Local-Only]/\n");
  REQUIRE_FALSE(reversed.ok());
  CHECK(reversed.error().message() ==
        ".dockerignore:2: bad pattern \"[Local-Only]/\": the range l-O in [...] is reversed (its first character "
        "must not come after its last)");
  CHECK(IgnoreMatcher::Parse("[Local\\-Only]/\n").ok());  // the dash escaped: a class of five characters
  for (const char* text : {"x\\d\n", "x\\q\n", "[\\w]\n", "\\\xC3\xA9\n", "[*]\n", "[a?]\n", "[[:alpha:]]\n",
                           "[\xFF]\n"}) {
    INFO(text);
    auto bad = IgnoreMatcher::Parse(text);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.error().message(), Catch::StartsWith(".dockerignore:1: bad pattern"));
  }
}
