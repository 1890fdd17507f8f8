// The Dockerfile parser: directives, logical lines, heredocs, instructions and stages.
#include <catch2/catch.hpp>

#include "builder/dockerfile/dockerfile.h"

namespace df = hoist::builder::dockerfile;

namespace {

df::Dockerfile MustParse(const std::string& text) {
  auto parsed = df::Parse(text, "Dockerfile");
  if (!parsed.ok()) FAIL(parsed.error().message());
  return std::move(parsed).value();
}

std::string ParseErrorOf(const std::string& text) {
  auto parsed = df::Parse(text, "Dockerfile");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code() == hoist::ErrorCode::kParse);
  return parsed.error().message();
}

}  // namespace

TEST_CASE("the seed example shape parses into one stage", "[dockerfile]") {
  auto d = MustParse(
      "FROM node:20-alpine\n"
      "WORKDIR /app\n"
      "COPY package*.json ./\n"
      "RUN npm install\n"
      "COPY . .\n"
      "EXPOSE 3000\n"
      "CMD [\"node\", \"server.js\"]\n");
  REQUIRE(d.stages.size() == 1);
  const auto& s = d.stages[0];
  CHECK(s.base == "node:20-alpine");
  CHECK(s.name.empty());
  CHECK(s.location.ToString() == "Dockerfile:1:1");
  REQUIRE(s.instructions.size() == 6);
  CHECK(s.instructions[0].keyword == "WORKDIR");
  CHECK(s.instructions[0].text == "/app");
  CHECK(s.instructions[1].text == "package*.json ./");
  CHECK(s.instructions[3].location.line == 5);
  CHECK(s.instructions[4].text == "3000");
  const auto& cmd = s.instructions[5];
  CHECK(cmd.exec_form);
  CHECK(cmd.exec_args == std::vector<std::string>{"node", "server.js"});
  CHECK(cmd.original == "CMD [\"node\", \"server.js\"]");
}

TEST_CASE("keywords are case-insensitive and leading whitespace is allowed", "[dockerfile]") {
  auto d = MustParse("from alpine\n   run echo hi\n\tCmd echo bye\n");
  REQUIRE(d.stages[0].instructions.size() == 2);
  CHECK(d.stages[0].instructions[0].keyword == "RUN");
  CHECK(d.stages[0].instructions[0].location.ToString() == "Dockerfile:2:4");
  CHECK(d.stages[0].instructions[1].keyword == "CMD");
  CHECK(d.stages[0].instructions[1].location.ToString() == "Dockerfile:3:2");
}

TEST_CASE("parser directives are read only at the very top", "[dockerfile]") {
  auto d = MustParse("# syntax=docker/dockerfile:1\n#ESCAPE = `\nFROM alpine\nRUN echo a `\n  b\n");
  CHECK(d.syntax == "docker/dockerfile:1");
  CHECK(d.escape == '`');
  CHECK(d.stages[0].instructions[0].text == "echo a   b");

  SECTION("after a comment a directive is a comment") {
    auto later = MustParse("# hello\n# escape=`\nFROM alpine\nRUN echo a \\\n b\n");
    CHECK(later.escape == '\\');
    CHECK(later.stages[0].instructions[0].text == "echo a  b");
  }
  SECTION("after a blank line too") {
    CHECK(MustParse("\n# escape=`\nFROM alpine\n").escape == '\\');
  }
  SECTION("after an unknown directive too") {
    CHECK(MustParse("# unknowndirective=value\n# escape=`\nFROM alpine\n").escape == '\\');
  }
  SECTION("after an instruction too") {
    CHECK(MustParse("FROM alpine\n# escape=`\n").escape == '\\');
  }
  SECTION("a bad escape and a repeated directive are errors") {
    CHECK(ParseErrorOf("# escape=x\nFROM a\n") == "Dockerfile:1:1: invalid escape token 'x' does not match ` or \\");
    CHECK(ParseErrorOf("# escape=\\\n# Escape=`\nFROM a\n") ==
          "Dockerfile:2:1: only one escape parser directive can be used");
  }
}

TEST_CASE("continuations join lines and skip comments and blank lines inside them", "[dockerfile]") {
  auto d = MustParse(
      "FROM alpine\n"
      "RUN apt-get update && \\\n"
      "# a comment in the middle\n"
      "\n"
      "    apt-get install -y curl \\   \n"
      "  && echo done\n"
      "EXPOSE 80\n");
  const auto& run = d.stages[0].instructions[0];
  CHECK(run.text == "apt-get update &&     apt-get install -y curl   && echo done");
  CHECK(run.location.ToString() == "Dockerfile:2:1");
  CHECK(d.stages[0].instructions[1].location.line == 7);

  SECTION("a continuation at the end of the file ends the instruction") {
    auto end = MustParse("FROM alpine\nRUN echo hi \\");
    CHECK(end.stages[0].instructions[0].text == "echo hi");
  }
  SECTION("a line of nothing but a continuation is skipped") {
    auto empty = MustParse("FROM alpine\n  \\\n\n\t\\\nRUN x\n \\\n  \\\n");
    REQUIRE(empty.stages[0].instructions.size() == 1);
    CHECK(empty.stages[0].instructions[0].location.line == 5);
  }
  SECTION("Windows line endings") {
    auto crlf = MustParse("FROM alpine\r\nRUN echo a \\\r\n b\r\n");
    CHECK(crlf.stages[0].instructions[0].text == "echo a  b");
  }
}

TEST_CASE("exec form is a JSON array of strings, anything else is shell form", "[dockerfile]") {
  auto d = MustParse(
      "FROM alpine\n"
      "ENTRYPOINT [\"/bin/sh\", \"-c\", \"echo \\\"hi\\\"\"]\n"
      "CMD [\"a\"\n"
      "RUN [ -f /x ] && echo yes\n"
      "CMD []\n"
      "COPY [\"a b\", \"/dest/\"]\n");
  const auto& in = d.stages[0].instructions;
  CHECK(in[0].exec_form);
  CHECK(in[0].exec_args == std::vector<std::string>{"/bin/sh", "-c", "echo \"hi\""});
  CHECK_FALSE(in[1].exec_form);
  CHECK(in[1].text == "[\"a\"");
  CHECK_FALSE(in[2].exec_form);
  CHECK(in[3].exec_form);
  CHECK(in[3].exec_args.empty());
  CHECK(in[4].exec_form);
  CHECK(in[4].exec_args == std::vector<std::string>{"a b", "/dest/"});
  CHECK(ParseErrorOf("FROM a\nCMD [\"a\", 1]\n") ==
        "Dockerfile:2:1: CMD: when using JSON array syntax, arrays must be comprised of strings only");
  CHECK(ParseErrorOf("FROM a\nRUN [\"a\", [\"b\"]]\n").find("comprised of strings only") != std::string::npos);
  CHECK(ParseErrorOf("FROM a\nRUN [{\"a\": \"b\"}]\n").find("comprised of strings only") != std::string::npos);
  CHECK_FALSE(MustParse("FROM a\nRUN [1, 2\n").stages[0].instructions[0].exec_form);
  CHECK(MustParse("FROM a\nRUN [\"a,]\\\"[\", \"\\u00e9\"]\n").stages[0].instructions[0].exec_args ==
        std::vector<std::string>{"a,]\"[", "\xC3\xA9"});
}

TEST_CASE("flags are split off before the arguments", "[dockerfile]") {
  auto d = MustParse(
      "FROM --platform=linux/amd64 alpine AS Build\n"
      "COPY --from=build --chown=1:2 --chmod=0755 a b\n"
      "RUN --network=none \\\n  --mount=type=cache,target=/c echo --not-a-flag\n"
      "COPY --link --chown=\"a b\" x y\n");
  const auto& s = d.stages[0];
  CHECK(s.platform == "linux/amd64");
  CHECK(s.name == "build");
  const auto& copy = s.instructions[0];
  REQUIRE(copy.flags.size() == 3);
  CHECK(copy.flags[0].name == "from");
  CHECK(copy.flags[0].value == "build");
  CHECK(copy.flags[1].location.ToString() == "Dockerfile:2:19");
  CHECK(copy.FlagValue("chmod") == "0755");
  CHECK_FALSE(copy.FlagValue("link").has_value());
  CHECK(copy.text == "a b");
  const auto& run = s.instructions[1];
  REQUIRE(run.flags.size() == 2);
  CHECK(run.flags[1].location.ToString() == "Dockerfile:4:3");
  CHECK(run.text == "echo --not-a-flag");
  CHECK(s.instructions[2].FlagValue("link") == "");
  CHECK(s.instructions[2].FlagValue("chown") == "a b");

  CHECK(ParseErrorOf("FROM a\nCOPY --frm=x a b\n") == "Dockerfile:2:6: unknown flag for COPY: --frm");
  CHECK(ParseErrorOf("FROM a\nWORKDIR --x /a\n") == "Dockerfile:2:9: unknown flag for WORKDIR: --x");
  CHECK(ParseErrorOf("FROM a\nCOPY --from a b\n") == "Dockerfile:2:6: flag --from needs a value: --from=VALUE");
  CHECK(ParseErrorOf("FROM a\nCOPY --link=maybe a b\n") ==
        "Dockerfile:2:6: flag --link takes true or false, not \"maybe\"");
}

TEST_CASE("unknown instructions are reported with file, line and column", "[dockerfile]") {
  CHECK(ParseErrorOf("FROM alpine\nRUN true\n  FORM x\n") ==
        "Dockerfile:3:3: unknown instruction: FORM (did you mean FROM?)");
  CHECK(ParseErrorOf("FROM alpine\nfrobnicate x\n") == "Dockerfile:2:1: unknown instruction: frobnicate");
}

TEST_CASE("stages: global ARGs, names, and what may come before FROM", "[dockerfile]") {
  auto d = MustParse(
      "ARG BASE=alpine\n"
      "ARG TAG\n"
      "FROM ${BASE}:${TAG} as builder\n"
      "RUN make\n"
      "FROM scratch\n"
      "COPY --from=builder /out /\n");
  REQUIRE(d.global_args.size() == 2);
  CHECK(d.global_args[1].text == "TAG");
  REQUIRE(d.stages.size() == 2);
  CHECK(d.stages[0].base == "${BASE}:${TAG}");
  CHECK(d.stages[0].name == "builder");
  CHECK(d.stages[1].index == 1);
  CHECK(d.stages[1].location.line == 5);
  CHECK(d.stages[1].instructions.size() == 1);

  CHECK(ParseErrorOf("RUN true\nFROM a\n") == "Dockerfile:1:1: RUN before the first FROM (only ARG may come before FROM)");
  CHECK(ParseErrorOf("FROM a AS 1st\n") ==
        "Dockerfile:1:1: invalid name for build stage: \"1st\", name can't start with a number or contain symbols");
  CHECK(ParseErrorOf("FROM a AS b$\n").find("invalid name for build stage") != std::string::npos);
  CHECK(ParseErrorOf("FROM a AS x\nFROM b AS X\n") ==
        "Dockerfile:2:1: duplicate stage name \"x\" (first used at Dockerfile:1:1)");
  CHECK(ParseErrorOf("FROM a b\n") ==
        "Dockerfile:1:1: FROM requires either one or three arguments: FROM [--platform=PLATFORM] IMAGE [AS NAME]");
  CHECK(ParseErrorOf("FROM a AT b\n").find("FROM requires either one or three") != std::string::npos);
  CHECK(ParseErrorOf("# only a comment\n\n") == "Dockerfile: the file has no instructions");
  CHECK(ParseErrorOf("ARG A=1\n") == "Dockerfile: no FROM instruction: nothing to build");
}

TEST_CASE("instructions that need arguments", "[dockerfile]") {
  CHECK(ParseErrorOf("FROM a\nRUN\n") == "Dockerfile:2:1: RUN requires at least one argument");
  CHECK(ParseErrorOf("FROM a\nWORKDIR   \n") == "Dockerfile:2:1: WORKDIR requires exactly one argument");
  CHECK(ParseErrorOf("FROM a\nCOPY onlyone\n") ==
        "Dockerfile:2:1: COPY requires at least two arguments, but only one was provided. Destination could not "
        "be determined.");
  CHECK(ParseErrorOf("FROM a\nSHELL /bin/bash -c\n") == "Dockerfile:2:1: SHELL requires the arguments to be in JSON form");
  CHECK(ParseErrorOf("FROM a\nSHELL []\n") == "Dockerfile:2:1: SHELL requires at least one argument");
  CHECK(ParseErrorOf("FROM a\nENV ONLYNAME\n") ==
        "Dockerfile:2:1: ENV must have two arguments: ENV name=value (or ENV name value)");
  CHECK(ParseErrorOf("FROM a\nLABEL a=b c\n") ==
        "Dockerfile:2:1: syntax error: can't find = in \"c\"; must be of the form name=value");
  CHECK(ParseErrorOf("FROM a\nENV =x\n") == "Dockerfile:2:1: ENV names can not be blank");
  CHECK(ParseErrorOf("FROM a\nEXPOSE\n") == "Dockerfile:2:1: EXPOSE requires at least one argument");
  CHECK(ParseErrorOf("FROM a\nARG x=1 =2\n") == "Dockerfile:2:1: ARG names can not be blank");
  CHECK(ParseErrorOf("FROM a\nARG\n") == "Dockerfile:2:1: ARG requires at least one argument");
}

TEST_CASE("HEALTHCHECK takes NONE or CMD", "[dockerfile]") {
  auto d = MustParse("FROM a\nHEALTHCHECK --interval=5m --timeout=3s CMD curl -f http://localhost/ || exit 1\n"
                     "HEALTHCHECK NONE\n");
  CHECK(d.stages[0].instructions[0].text == "CMD curl -f http://localhost/ || exit 1");
  CHECK(d.stages[0].instructions[0].FlagValue("interval") == "5m");
  CHECK(ParseErrorOf("FROM a\nHEALTHCHECK NONE now\n") == "Dockerfile:2:1: HEALTHCHECK NONE takes no arguments");
  CHECK(ParseErrorOf("FROM a\nHEALTHCHECK RUN x\n") ==
        "Dockerfile:2:1: unknown type \"RUN\" in HEALTHCHECK (try CMD)");
  CHECK(ParseErrorOf("FROM a\nHEALTHCHECK CMD\n") == "Dockerfile:2:1: missing command after HEALTHCHECK CMD");
}

TEST_CASE("ONBUILD holds one other instruction", "[dockerfile]") {
  auto d = MustParse("FROM a\nONBUILD ADD . /app/src\nONBUILD run echo hi\n");
  CHECK(d.stages[0].instructions[0].text == "ADD . /app/src");
  CHECK(ParseErrorOf("FROM a\nONBUILD ONBUILD RUN x\n") ==
        "Dockerfile:2:1: chaining ONBUILD via ONBUILD ONBUILD isn't allowed");
  CHECK(ParseErrorOf("FROM a\nONBUILD FROM b\n") == "Dockerfile:2:1: FROM isn't allowed as an ONBUILD trigger");
  CHECK(ParseErrorOf("FROM a\nONBUILD MAINTAINER me\n") ==
        "Dockerfile:2:1: MAINTAINER isn't allowed as an ONBUILD trigger");
  CHECK(ParseErrorOf("FROM a\nONBUILD  RUNN x\n") == "Dockerfile:2:10: unknown instruction: RUNN (did you mean RUN?)");
  CHECK(ParseErrorOf("FROM a\nONBUILD COPY --bad=1 a b\n") == "Dockerfile:2:14: unknown flag for COPY: --bad");
}
