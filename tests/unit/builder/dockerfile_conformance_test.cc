// Data-driven conformance tests for the Dockerfile grammar, from tables in testdata/dockerfile/
// written from BuildKit's documented behaviour (issue 18): parse.txt holds Dockerfiles and their
// canonical dumps (dump.h), expand.txt words and what they expand to. The formats are described at
// the top of each file.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "builder/dockerfile/dockerfile.h"
#include "builder/dockerfile/dump.h"
#include "builder/dockerfile/expand.h"

namespace df = hoist::builder::dockerfile;

namespace {

std::string ReadTable(const std::string& name) {
  std::ifstream in(std::string(HOIST_SOURCE_DIR) + "/testdata/dockerfile/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// <TAB>, <SP>, <CR>, <NL> stand for characters a table cannot show.
std::string Unescape(std::string s) {
  static const std::pair<std::string, std::string> kTokens[] = {
      {"<TAB>", "\t"}, {"<SP>", " "}, {"<CR>", "\r"}, {"<NL>", "\n"}};
  for (const auto& [token, value] : kTokens) {
    for (size_t at = s.find(token); at != std::string::npos; at = s.find(token, at + value.size())) {
      s.replace(at, token.size(), value);
    }
  }
  return s;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

struct ParseCase {
  std::string name;
  int line = 0;
  std::string input;
  std::string expected;
};

std::vector<ParseCase> ParseCases() {
  std::vector<ParseCase> cases;
  std::vector<std::string> lines = Lines(ReadTable("parse.txt"));
  ParseCase* current = nullptr;
  bool in_expected = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.rfind("=== ", 0) == 0) {
      cases.push_back({l.substr(4), static_cast<int>(i + 1), "", ""});
      current = &cases.back();
      in_expected = false;
    } else if (current == nullptr) {
      continue;  // the file's header
    } else if (l == "---" && !in_expected) {
      in_expected = true;
    } else if (in_expected) {
      if (!l.empty()) current->expected += l + "\n";
    } else {
      current->input += Unescape(l) + "\n";
    }
  }
  return cases;
}

const std::map<std::string, std::string, std::less<>> kVars = {
    {"HOME", "/root"},
    {"EMPTY", ""},
    {"TWO", "a b"},
    {"V", "x"},
    {"FILE", "archive.tar.gz"},
    {"DIR", "/usr/local/lib/"},
    {"PATHS", "/usr/local/bin:/usr/bin:/bin"},
    {"DOTS", "a.b.c.d"},
    {"GREEK", "\xCE\xB1\xCE\xB2\xCE\xB3.\xCE\xB1\xCE\xB2"},
    {"STAR", "*"},
    {"GZ", ".gz"},
    {"SPACES", "  x  y  "},
    {"Q", "it's \"q\""},
    {"BS", "a\\b"},
    {"VER", "v1.2.3-rc1"},
    {"AAA", "aaa"},
    {"MIXED", "Hello World 42"},
};

std::optional<std::string> Lookup(std::string_view name) {
  auto it = kVars.find(name);
  if (it == kVars.end()) return std::nullopt;
  return it->second;
}

template <class T>
std::string Render(const hoist::Result<T>& r);

template <>
std::string Render(const hoist::Result<std::string>& r) {
  if (!r.ok()) return "error: " + r.error().message();
  return "[" + *r + "]";
}

template <>
std::string Render(const hoist::Result<std::vector<std::string>>& r) {
  if (!r.ok()) return "error: " + r.error().message();
  std::string out;
  for (const auto& w : *r) out += "[" + w + "]";
  return out.empty() ? "(none)" : out;
}

bool Matches(const std::string& got, const std::string& expected) {
  if (expected.rfind("error: ", 0) == 0) {
    return got.rfind("error: ", 0) == 0 && got.find(expected.substr(7)) != std::string::npos;
  }
  return got == expected;
}

}  // namespace

TEST_CASE("Dockerfiles parse to the dumps in testdata/dockerfile/parse.txt", "[dockerfile][conformance]") {
  std::vector<ParseCase> cases = ParseCases();
  REQUIRE(cases.size() >= 100);
  // HOIST_CONFORMANCE_ACTUAL=FILE writes what the parser gives, to review a new row's expectation.
  const char* actual_path = std::getenv("HOIST_CONFORMANCE_ACTUAL");
  std::ofstream actual;
  if (actual_path != nullptr) actual.open(actual_path);
  for (const ParseCase& c : cases) {
    auto parsed = df::Parse(c.input, "Dockerfile");
    std::string got = parsed.ok() ? df::Dump(*parsed) : "error: " + parsed.error().message() + "\n";
    if (actual.is_open()) actual << "=== " << c.name << "\n" << c.input << "---\n" << got;
    INFO("parse.txt:" << c.line << " " << c.name << "\n--- input\n" << c.input);
    if (c.expected.rfind("error: ", 0) == 0) {
      std::string want = c.expected.substr(7, c.expected.size() - 8);  // without the newline
      CHECK(got.rfind("error: ", 0) == 0);
      CHECK_THAT(got, Catch::Matchers::Contains(want));
    } else {
      CHECK(got == c.expected);
    }
  }
}

TEST_CASE("words expand as in testdata/dockerfile/expand.txt", "[dockerfile][conformance]") {
  const df::Location where{"Dockerfile", 1, 1};
  int rows = 0;
  std::vector<std::string> lines = Lines(ReadTable("expand.txt"));
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.empty() || l[0] == '#') continue;
    size_t space = l.find(' ');
    size_t arrow = l.rfind(" ==> ");
    REQUIRE(space != std::string::npos);
    REQUIRE(arrow != std::string::npos);
    REQUIRE(arrow >= space);
    std::string mode = l.substr(0, space);
    std::string input = Unescape(l.substr(space + 1, arrow - space - 1));
    std::string expected = Unescape(l.substr(arrow + 5));
    std::string got;
    if (mode == "word") {
      got = Render(df::ExpandWord(input, Lookup, '\\', where));
    } else if (mode == "word`") {
      got = Render(df::ExpandWord(input, Lookup, '`', where));
    } else if (mode == "words") {
      got = Render(df::ExpandWords(input, Lookup, '\\', where));
    } else if (mode == "heredoc") {
      got = Render(df::ExpandHeredoc(input, Lookup, '\\', where));
    } else {
      FAIL("expand.txt:" << i + 1 << ": unknown mode " << mode);
    }
    INFO("expand.txt:" << i + 1 << ": " << l);
    CHECK(Matches(got, expected));
    if (!Matches(got, expected)) WARN("got " << got);
    ++rows;
  }
  CHECK(rows >= 150);
}
