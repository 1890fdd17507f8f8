// The .dockerignore conformance table (testdata/dockerignore/conformance.txt): docker's answers for
// patterns, paths and bad patterns, checked against IgnoreMatcher. The file's header explains its format.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "builder/dockerignore.h"
#include "support/temp_dir.h"

using hoist::builder::IgnoreMatcher;

namespace {

// "{0xNN}" stands for the byte NN.
std::string Expand(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 3) == "{0x" && i + 5 < s.size() && s[i + 5] == '}') {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 3, 2)), nullptr, 16));
      i += 5;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Check {
  int table_line = 0;
  std::string kind;  // "excluded", "kept", "error"
  std::string arg;
};

struct Case {
  int table_line = 0;
  std::string ignore_file;
  std::vector<Check> checks;
};

std::vector<Case> LoadTable() {
  std::string text =
      hoist::testing::ReadFile(std::string(HOIST_SOURCE_DIR) + "/testdata/dockerignore/conformance.txt");
  std::vector<Case> cases;
  bool in_file = false;
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++number;
    if (line.starts_with(">")) {
      if (!in_file) cases.push_back(Case{number, "", {}});
      in_file = true;
      cases.back().ignore_file += Expand(line.substr(line.size() > 1 ? 2 : 1)) + "\n";
      continue;
    }
    in_file = false;
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.find(' ');
    REQUIRE(space != std::string_view::npos);
    REQUIRE_FALSE(cases.empty());
    cases.back().checks.push_back(
        Check{number, std::string(line.substr(0, space)), Expand(line.substr(space + 1))});
  }
  return cases;
}

}  // namespace

TEST_CASE("the .dockerignore conformance table agrees with docker", "[dockerignore]") {
  std::vector<Case> cases = LoadTable();
  size_t rows = 0;
  for (const Case& c : cases) {
    INFO("conformance.txt:" << c.table_line << ": .dockerignore:\n" << c.ignore_file);
    REQUIRE_FALSE(c.checks.empty());
    auto matcher = IgnoreMatcher::Parse(c.ignore_file);
    for (const Check& check : c.checks) {
      INFO("conformance.txt:" << check.table_line << ": " << check.kind << " " << check.arg);
      ++rows;
      if (check.kind == "error") {
        size_t space = check.arg.find(' ');
        REQUIRE_FALSE(matcher.ok());
        CHECK(matcher.error().code() == hoist::ErrorCode::kParse);
        CHECK_THAT(matcher.error().message(),
                   Catch::StartsWith(".dockerignore:" + check.arg.substr(0, space) + ": "));
        CHECK_THAT(matcher.error().message(), Catch::Contains(check.arg.substr(space + 1)));
        continue;
      }
      if (!matcher.ok()) FAIL(matcher.error().message());
      REQUIRE((check.kind == "excluded" || check.kind == "kept"));
      CHECK(matcher->Excluded(check.arg) == (check.kind == "excluded"));
    }
  }
  CHECK(rows >= 300);
}
