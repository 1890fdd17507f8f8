#include <catch2/catch.hpp>
#include <sstream>

#include "tools/go_template.h"
#include "tools/template_output.h"

using hoist::tools::GoTemplate;
using hoist::tools::TemplateOptions;
using nlohmann::json;

namespace {

std::string Run(const std::string& text, const json& dot, TemplateOptions o = {}) {
  auto t = GoTemplate::Parse(text);
  REQUIRE(t.ok());
  auto r = t->Execute(dot, o);
  INFO(text << ": " << (r.ok() ? "" : r.error().message()));
  REQUIRE(r.ok());
  return *r;
}

std::string ParseError(const std::string& text) {
  auto t = GoTemplate::Parse(text);
  REQUIRE_FALSE(t.ok());
  return t.error().message();
}

const json kDoc = json::parse(R"({"Id":"sha256:abc","Size":1234,"Config":{"Cmd":["sh","-c","echo hi"],
  "Labels":{"org.example.v":"1.0","a":"b"},"Env":[]},"Tags":["a:1","a:2"],"Running":true,"Nil":null})");

}  // namespace

TEST_CASE("template: fields, nested fields and Go's value formats") {
  CHECK(Run("id={{.Id}} size={{.Size}}", kDoc) == "id=sha256:abc size=1234");
  CHECK(Run("{{.Config.Cmd}}", kDoc) == "[sh -c echo hi]");
  CHECK(Run("{{.Config.Labels}}", kDoc) == "map[a:b org.example.v:1.0]");
  CHECK(Run("{{.Running}} {{.Nil}} {{.Missing}}", kDoc) == "true <no value> <no value>");
  CHECK(Run("{{ .Id }}", kDoc) == "sha256:abc");
  CHECK(Run("{{.}}", json("x")) == "x");
}

TEST_CASE("template: json, join, index, upper, lower, split, len and pipelines") {
  CHECK(Run("{{json .Config.Cmd}}", kDoc) == R"(["sh","-c","echo hi"])");
  CHECK(Run("{{json .Config.Labels}}", kDoc) == R"({"a":"b","org.example.v":"1.0"})");
  CHECK(Run(R"({{join .Tags ","}})", kDoc) == "a:1,a:2");
  CHECK(Run(R"({{index .Config.Labels "org.example.v"}}|{{index .Config.Labels "none"}}|{{index .Tags 1}})", kDoc) ==
        "1.0||a:2");
  CHECK(Run("{{upper .Id}} {{lower \"AB\"}} {{title \"hello world\"}}", kDoc) == "SHA256:ABC ab Hello World");
  CHECK(Run(R"({{len .Tags}} {{split "a/b/c" "/" | len}} {{.Id | upper}} {{truncate .Id 6}})", kDoc) ==
        "2 3 SHA256:ABC sha256");
}

TEST_CASE("template: if, else, with, range over arrays and maps, eq and not") {
  CHECK(Run("{{if .Running}}up{{else}}down{{end}}", kDoc) == "up");
  CHECK(Run("{{if .Nil}}x{{else}}none{{end}}", kDoc) == "none");
  CHECK(Run("{{range .Tags}}[{{.}}]{{end}}", kDoc) == "[a:1][a:2]");
  CHECK(Run("{{range .Config.Labels}}{{.}};{{end}}", kDoc) == "b;1.0;");
  CHECK(Run("{{range .Config.Env}}x{{else}}empty{{end}}", kDoc) == "empty");
  CHECK(Run("{{with .Config}}{{.Cmd | json}}{{end}}", kDoc) == R"(["sh","-c","echo hi"])");
  CHECK(Run(R"({{if eq .Id "sha256:abc"}}same{{end}}{{if not .Running}}no{{end}})", kDoc) == "same");
  CHECK(Run("a  {{- .Size -}}  b{{/* note */}}", kDoc) == "a1234b");
}

TEST_CASE("template: unsupported constructs are refused by name") {
  CHECK_THAT(ParseError("{{printf \"%s\" .Id}}"), Catch::Contains("unsupported template construct function \"printf\""));
  CHECK_THAT(ParseError("{{$x := .Id}}"), Catch::Contains("variables"));
  CHECK_THAT(ParseError("{{len (.Tags)}}"), Catch::Contains("parentheses"));
  CHECK_THAT(ParseError("{{define \"x\"}}{{end}}"), Catch::Contains("{{define}}"));
  CHECK_THAT(ParseError("{{if .A}}x{{else if .B}}y{{end}}"), Catch::Contains("else if"));
  CHECK_THAT(ParseError("{{.Id"), Catch::Contains("unclosed action"));
  CHECK_THAT(ParseError("{{if .A}}x"), Catch::Contains("without {{end}}"));
  CHECK_THAT(ParseError("{{end}}"), Catch::Contains("without a matching"));
  CHECK_THAT(ParseError("{{join .Tags}}"), Catch::Contains("wrong number of arguments for join"));
  CHECK_THAT(ParseError("{{.Id .Size}}"), Catch::Contains("takes no arguments"));
}

TEST_CASE("template: limits on size, nesting and output are named in the error") {
  CHECK_THAT(ParseError(std::string(hoist::tools::kMaxTemplateSize + 1, 'x')), Catch::Contains("kMaxTemplateSize"));
  std::string deep;
  for (size_t i = 0; i <= hoist::tools::kMaxTemplateNesting; ++i) deep += "{{if .A}}";
  CHECK_THAT(ParseError(deep), Catch::Contains("kMaxTemplateNesting"));
  json big = json::array();
  for (int i = 0; i < 600; ++i) big.push_back(i);
  auto t = GoTemplate::Parse("{{range .}}{{range $}}{{end}}{{end}}");
  CHECK_FALSE(t.ok());
  auto blow = GoTemplate::Parse(std::string("{{range .}}{{range .}}{{end}}{{end}}"));
  REQUIRE(blow.ok());
  json nested = json::array();
  for (int i = 0; i < 2000; ++i) nested.push_back(big);
  auto r = blow->Execute(nested);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("kMaxTemplateSteps"));
}

TEST_CASE("template: strict rows name the missing field, and text from data is escaped for the terminal") {
  auto t = GoTemplate::Parse("{{.Repo}}");
  REQUIRE(t.ok());
  TemplateOptions strict;
  strict.strict_fields = true;
  auto r = t->Execute(json{{"Repository", "x"}}, strict);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("no field .Repo") && Catch::Contains(".Repository"));
  CHECK(Run("{{.X}}", json{{"X", "a\x1b[2Jb"}}) == "a\\x1b[2Jb");
  CHECK(Run("{{join .X \"\\n\"}}", json{{"X", {"a", "b"}}}) == "a\nb");
}

TEST_CASE("template output: table prints docker's headers aligned like Go's tabwriter") {
  auto p = hoist::tools::TemplatePrinter::Parse(R"(table {{.Repository}}\t{{.Tag}}\t{{json .Size}})");
  REQUIRE(p.ok());
  std::vector<json> rows = {json{{"Repository", "alpine"}, {"Tag", "3.19"}, {"Size", "7MB"}},
                            json{{"Repository", "example.com/team/app"}, {"Tag", "v1"}, {"Size", "1GB"}}};
  json headers{{"Repository", "REPOSITORY"}, {"Tag", "TAG"}, {"Size", "SIZE"}};
  std::ostringstream out;
  REQUIRE(p->Print(rows, headers, out).ok());
  CHECK(out.str() ==
        "REPOSITORY             TAG       SIZE\n"
        "alpine                 3.19      \"7MB\"\n"
        "example.com/team/app   v1        \"1GB\"\n");
  auto plain = hoist::tools::TemplatePrinter::Parse(R"({{.Repository}}:{{.Tag}})");
  REQUIRE(plain.ok());
  std::ostringstream out2;
  REQUIRE(plain->Print(rows, headers, out2).ok());
  CHECK(out2.str() == "alpine:3.19\nexample.com/team/app:v1\n");
  CHECK_FALSE(hoist::tools::TemplatePrinter::Parse("{{.A | printf}}").ok());
}
