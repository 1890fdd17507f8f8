// The reference conformance table (testdata/reference/normalize.txt): docker's normalization of image
// names, checked against Reference::Parse. The file's header explains its format.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "core/reference.h"
#include "support/temp_dir.h"

using hoist::Reference;

namespace {

const std::string kHex64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kHex128 =
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a"
    "81a538327af927da3e";

// {sha256} {sha512} {hex64} {S*N} {0xNN} {} (see the table's header).
std::string Expand(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t close = s[i] == '{' ? s.find('}', i) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out += s[i++];
      continue;
    }
    std::string_view name = s.substr(i + 1, close - i - 1);
    i = close + 1;
    if (name == "sha256") {
      out += "sha256:" + kHex64;
    } else if (name == "sha512") {
      out += "sha512:" + kHex128;
    } else if (name == "hex64") {
      out += kHex64;
    } else if (name.starts_with("0x")) {
      out += static_cast<char>(std::stoi(std::string(name.substr(2)), nullptr, 16));
    } else if (size_t star = name.rfind('*'); star != std::string_view::npos) {
      for (int n = std::stoi(std::string(name.substr(star + 1))); n > 0; --n) out += name.substr(0, star);
    } else if (!name.empty()) {
      FAIL("unknown placeholder {" << name << "}");
    }
  }
  return out;
}

std::string Column(const std::string& s) { return s == "-" ? "" : Expand(s); }

}  // namespace

TEST_CASE("the reference conformance table agrees with docker's normalization", "[reference]") {
  std::string text = hoist::testing::ReadFile(std::string(HOIST_SOURCE_DIR) + "/testdata/reference/normalize.txt");
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  size_t rows = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::vector<std::string> cols;
    for (std::string w; words >> w;) cols.push_back(w);
    INFO("normalize.txt:" << number << ": " << line);
    REQUIRE(cols.size() >= 3);
    ++rows;
    auto ref = Reference::Parse(Expand(cols[0]));
    if (cols[1] == "!") {
      std::string why = line.substr(line.find(" !  ") + 4);
      if (ref.ok()) FAIL("parsed as " << ref->str());
      CHECK(ref.error().code() == hoist::ErrorCode::kInvalidArgument);
      CHECK_THAT(ref.error().message(), Catch::Contains(why));
      continue;
    }
    REQUIRE(cols.size() == 7);
    if (!ref.ok()) FAIL(ref.error().message());
    CHECK(ref->str() == Expand(cols[1]));
    CHECK(ref->domain() == Expand(cols[2]));
    CHECK(ref->repository() == Expand(cols[3]));
    CHECK(ref->name() == ref->domain() + "/" + ref->repository());
    CHECK(ref->tag().value_or("") == Column(cols[4]));
    CHECK((ref->digest() ? ref->digest()->str() : "") == Column(cols[5]));
    CHECK(ref->Familiar() == Expand(cols[6]));
    // Both printed forms read back as the same reference.
    auto again = Reference::Parse(ref->str());
    REQUIRE(again.ok());
    CHECK(*again == *ref);
    auto familiar = Reference::Parse(ref->Familiar());
    REQUIRE(familiar.ok());
    CHECK(*familiar == *ref);
  }
  CHECK(rows >= 120);
}
