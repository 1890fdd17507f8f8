// Variable substitution and quoting with docker's shell-word rules (expand.h).
#include <catch2/catch.hpp>

#include <map>

#include "builder/dockerfile/expand.h"

namespace df = hoist::builder::dockerfile;

namespace {

const std::map<std::string, std::string, std::less<>> kVars = {
    {"HOME", "/root"}, {"EMPTY", ""}, {"TWO", "a b"}, {"abc", "hello"}, {"V", "x"}};

std::optional<std::string> Lookup(std::string_view name) {
  auto it = kVars.find(name);
  if (it == kVars.end()) return std::nullopt;
  return it->second;
}

const df::Location kWhere{"Dockerfile", 4, 1};

std::string Word(std::string_view w, char escape = '\\') {
  auto r = df::ExpandWord(w, Lookup, escape, kWhere);
  if (!r.ok()) FAIL(r.error().message());
  return *r;
}

std::vector<std::string> Words(std::string_view w) {
  auto r = df::ExpandWords(w, Lookup, '\\', kWhere);
  if (!r.ok()) FAIL(r.error().message());
  return *r;
}

std::string WordError(std::string_view w) {
  auto r = df::ExpandWord(w, Lookup, '\\', kWhere);
  REQUIRE_FALSE(r.ok());
  return r.error().message();
}

df::Instruction Ins(std::string keyword, std::string text) {
  df::Instruction ins;
  ins.keyword = std::move(keyword);
  ins.text = std::move(text);
  ins.location = kWhere;
  return ins;
}

}  // namespace

TEST_CASE("variables: $VAR, ${VAR}, and unset ones", "[dockerfile][expand]") {
  CHECK(Word("$HOME/bin") == "/root/bin");
  CHECK(Word("${HOME}bin") == "/rootbin");
  CHECK(Word("$UNSET/x") == "/x");
  CHECK(Word("${abc}_$abc") == "hello_hello");
  CHECK(Word("cost: 5$") == "cost: 5$");
  CHECK(Word("$ x") == "$ x");
  CHECK(Word("$1x") == "x");
}

TEST_CASE("modifiers :- :+ - + and nesting", "[dockerfile][expand]") {
  CHECK(Word("${UNSET:-word}") == "word");
  CHECK(Word("${EMPTY:-word}") == "word");
  CHECK(Word("${HOME:-word}") == "/root");
  CHECK(Word("${UNSET-word}") == "word");
  CHECK(Word("${EMPTY-word}") == "");
  CHECK(Word("${HOME:+word}") == "word");
  CHECK(Word("${EMPTY:+word}") == "");
  CHECK(Word("${EMPTY+word}") == "word");
  CHECK(Word("${UNSET+word}") == "");
  CHECK(Word("${UNSET:-${ALSO:-$HOME}}") == "/root");
  CHECK(Word("${UNSET:-a\\}b}") == "a}b");
  CHECK(Word("${UNSET:-\"a b\"}") == "a b");
  CHECK(Word("${HOME:?must be set}") == "/root");
  CHECK(WordError("${UNSET:?must be set}") == "Dockerfile:4:1: UNSET: must be set in: ${UNSET:?must be set}");
}

TEST_CASE("quotes and escapes", "[dockerfile][expand]") {
  CHECK(Word("'$HOME'") == "$HOME");
  CHECK(Word("\"$HOME\"") == "/root");
  CHECK(Word("\"a \\\"b\\\" \\$HOME \\\\ \\n\"") == "a \"b\" $HOME \\ \\n");
  CHECK(Word("\\$HOME") == "$HOME");
  CHECK(Word("a\\ b") == "a b");
  CHECK(Word("'it''s'") == "its");
  CHECK(Word("trailing\\") == "trailing");
  CHECK(Word("`$HOME `\"x", '`') == "$HOME \"x");
  CHECK(Word("C:\\path", '`') == "C:\\path");
}

TEST_CASE("words split on unquoted whitespace after substitution", "[dockerfile][expand]") {
  CHECK(Words("a  b\tc") == std::vector<std::string>{"a", "b", "c"});
  CHECK(Words("$TWO /dest") == std::vector<std::string>{"a", "b", "/dest"});
  CHECK(Words("\"$TWO\" /dest") == std::vector<std::string>{"a b", "/dest"});
  CHECK(Words("\"\" x") == std::vector<std::string>{"", "x"});
  CHECK(Words("$EMPTY x") == std::vector<std::string>{"x"});
  CHECK(Words("pre\"fix\"post 'a b'") == std::vector<std::string>{"prefixpost", "a b"});
  CHECK(Words("a\\ b c").size() == 2);
  CHECK(Words("").empty());
}

TEST_CASE("expansion errors name the location", "[dockerfile][expand]") {
  CHECK(WordError("\"abc") == "Dockerfile:4:1: unterminated double quote in: \"abc");
  CHECK(WordError("it's") == "Dockerfile:4:1: unterminated single quote in: it's");
  CHECK(WordError("${HOME") == "Dockerfile:4:1: syntax error: missing '}' in: ${HOME");
  CHECK(WordError("${UNSET:-abc") == "Dockerfile:4:1: syntax error: missing '}' in: ${UNSET:-abc");
  CHECK(WordError("${}") == "Dockerfile:4:1: syntax error: bad substitution in: ${}");
  CHECK(WordError("${:-x}") == "Dockerfile:4:1: syntax error: bad substitution in: ${:-x}");
  CHECK(WordError("${HOME^^}") == "Dockerfile:4:1: unsupported substitution in ${HOME^...} in: ${HOME^^}");
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "${A:-";
  deep += "x";
  for (int i = 0; i < 100; ++i) deep += "}";
  CHECK(WordError(deep).find("nested too deeply") != std::string::npos);
}

TEST_CASE("heredoc bodies keep quotes and expand variables", "[dockerfile][expand]") {
  auto r = df::ExpandHeredoc("echo \"hello ${HOME}\" 'it''s' don't \\$HOME \\n\n", Lookup, '\\', kWhere);
  REQUIRE(r.ok());
  CHECK(*r == "echo \"hello /root\" 'it''s' don't $HOME \\n\n");
}

TEST_CASE("ENV, LABEL and ARG key-value pairs", "[dockerfile][expand]") {
  SECTION("ENV k=v pairs with quotes and escapes") {
    auto r = df::ExpandKeyValues(Ins("ENV", "MY_NAME=\"John Doe\" MY_DOG=Rex\\ The\\ Dog MY_CAT=fluffy"), Lookup, '\\');
    REQUIRE(r.ok());
    REQUIRE(r->size() == 3);
    CHECK((*r)[0].key == "MY_NAME");
    CHECK((*r)[0].value == "John Doe");
    CHECK((*r)[1].value == "Rex The Dog");
    CHECK((*r)[2].value == "fluffy");
  }
  SECTION("values see the variables from before the instruction") {
    auto r = df::ExpandKeyValues(Ins("ENV", "abc=bye def=$abc"), Lookup, '\\');
    REQUIRE(r.ok());
    CHECK((*r)[1].value == "hello");
  }
  SECTION("legacy ENV name value with spaces") {
    auto r = df::ExpandKeyValues(Ins("ENV", "MY_VAR   my value  $V"), Lookup, '\\');
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    CHECK((*r)[0].key == "MY_VAR");
    CHECK((*r)[0].value == "my value  x");
  }
  SECTION("LABEL with quoted keys") {
    auto r = df::ExpandKeyValues(Ins("LABEL", "\"com.example.vendor\"=\"ACME Inc\" \"a b\"=c version=1.0"), Lookup, '\\');
    REQUIRE(r.ok());
    REQUIRE(r->size() == 3);
    CHECK((*r)[0].key == "com.example.vendor");
    CHECK((*r)[0].value == "ACME Inc");
    CHECK((*r)[1].key == "a b");
    CHECK((*r)[2].value == "1.0");
  }
  SECTION("ARG with and without defaults") {
    auto r = df::ExpandKeyValues(Ins("ARG", "user1 buildno=${V}1 empty="), Lookup, '\\');
    REQUIRE(r.ok());
    REQUIRE(r->size() == 3);
    CHECK((*r)[0].key == "user1");
    CHECK_FALSE((*r)[0].value.has_value());
    CHECK((*r)[1].value == "x1");
    CHECK((*r)[2].value == "");
  }
  SECTION("errors") {
    auto missing = df::ExpandKeyValues(Ins("ENV", "A=1 B"), Lookup, '\\');
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message() ==
          "Dockerfile:4:1: syntax error: can't find = in \"B\"; must be of the form name=value");
    auto legacy = df::ExpandKeyValues(Ins("LABEL", "lonely"), Lookup, '\\');
    REQUIRE_FALSE(legacy.ok());
    CHECK(legacy.error().message() ==
          "Dockerfile:4:1: LABEL must have two arguments: LABEL name=value (or LABEL name value)");
    auto quote = df::ExpandKeyValues(Ins("ENV", "A=\"open"), Lookup, '\\');
    REQUIRE_FALSE(quote.ok());
    CHECK(quote.error().message() == "Dockerfile:4:1: unterminated double quote in: \"open");
    CHECK_FALSE(df::ExpandKeyValues(Ins("ARG", "=1"), Lookup, '\\').ok());
  }
}

TEST_CASE("a pattern substitution over kMaxPatternWork steps is refused, naming the limit", "[dockerfile][expand]") {
  // 8 KiB of 'a' against itself and a `b`: every start position reads to the end, about 33 Mi steps.
  const std::string big(8192, 'a');
  auto lookup = [&](std::string_view name) -> std::optional<std::string> {
    if (name == "BIG") return big;
    return std::nullopt;
  };
  auto slow = df::ExpandWord("${BIG//${BIG}b/x}", lookup, '\\', kWhere);
  REQUIRE_FALSE(slow.ok());
  CHECK(slow.error().message().find("kMaxPatternWork") != std::string::npos);
  // The same value with a pattern that settles at once is fine.
  auto quick = df::ExpandWord("${BIG%a}", lookup, '\\', kWhere);
  REQUIRE(quick.ok());
  CHECK(quick->size() == 8191);
}
