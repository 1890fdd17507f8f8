// Heredocs in RUN, COPY and ADD, with the examples of the Dockerfile reference.
#include <catch2/catch.hpp>

#include "builder/dockerfile/dockerfile.h"

namespace df = hoist::builder::dockerfile;

namespace {

df::Instruction FirstInstruction(const std::string& text) {
  auto parsed = df::Parse(text, "Dockerfile");
  if (!parsed.ok()) FAIL(parsed.error().message());
  REQUIRE_FALSE(parsed->stages.at(0).instructions.empty());
  return parsed->stages[0].instructions[0];
}

}  // namespace

TEST_CASE("a RUN heredoc collects its body up to the delimiter", "[dockerfile][heredoc]") {
  auto d = df::Parse(
      "FROM debian\n"
      "RUN <<EOT bash\n"
      "  set -ex\n"
      "  apt-get update\n"
      "\n"
      "# not a comment here\n"
      "  apt-get install -y vim\n"
      "EOT\n"
      "RUN echo after\n",
      "Dockerfile");
  REQUIRE(d.ok());
  const auto& in = d->stages[0].instructions;
  REQUIRE(in.size() == 2);
  CHECK(in[0].text == "<<EOT bash");
  REQUIRE(in[0].heredocs.size() == 1);
  CHECK(in[0].heredocs[0].name == "EOT");
  CHECK(in[0].heredocs[0].content == "  set -ex\n  apt-get update\n\n# not a comment here\n  apt-get install -y vim\n");
  CHECK(in[0].heredocs[0].expand);
  CHECK_FALSE(in[0].heredocs[0].strip_tabs);
  CHECK(in[1].text == "echo after");
  CHECK(in[1].location.line == 9);
}

TEST_CASE("several heredocs on one line are read in order", "[dockerfile][heredoc]") {
  auto run = FirstInstruction(
      "FROM alpine\n"
      "RUN <<FILE1 cat > file1 && <<FILE2 cat > file2\n"
      "I am\n"
      "first\n"
      "FILE1\n"
      "I am\n"
      "second\n"
      "FILE2\n");
  REQUIRE(run.heredocs.size() == 2);
  CHECK(run.heredocs[0].name == "FILE1");
  CHECK(run.heredocs[0].content == "I am\nfirst\n");
  CHECK(run.heredocs[1].name == "FILE2");
  CHECK(run.heredocs[1].content == "I am\nsecond\n");

  auto copy = FirstInstruction("FROM alpine\nCOPY <<EOF1 <<EOF2 /dest/\ncontent1\nEOF1\ncontent2\nEOF2\n");
  REQUIRE(copy.heredocs.size() == 2);
  CHECK(copy.heredocs[1].content == "content2\n");
  CHECK(copy.text == "<<EOF1 <<EOF2 /dest/");
}

TEST_CASE("<<- strips leading tabs, quoted delimiters turn expansion off", "[dockerfile][heredoc]") {
  auto chomp = FirstInstruction("FROM alpine\nCOPY <<-EOT /script.sh\n\techo \"hello ${FOO}\"\n\t\t  x\n\tEOT\n");
  REQUIRE(chomp.heredocs.size() == 1);
  CHECK(chomp.heredocs[0].strip_tabs);
  CHECK(chomp.heredocs[0].content == "echo \"hello ${FOO}\"\n  x\n");

  auto quoted = FirstInstruction("FROM alpine\nRUN <<\"EOT\" cat\n$HOME\nEOT\n");
  CHECK(quoted.heredocs.at(0).name == "EOT");
  CHECK_FALSE(quoted.heredocs[0].expand);
  auto single = FirstInstruction("FROM alpine\nCOPY <<'EOT' /x\n$HOME\nEOT\n");
  CHECK_FALSE(single.heredocs.at(0).expand);
  auto fd = FirstInstruction("FROM alpine\nRUN cat 3<<EOT\nx\nEOT\n");
  CHECK(fd.heredocs.at(0).name == "EOT");
}

TEST_CASE("heredocs only where docker reads them", "[dockerfile][heredoc]") {
  // Exec form and other instructions do not open heredocs; `<<` inside a quoted word neither.
  auto exec = df::Parse("FROM alpine\nRUN [\"cat\", \"<<EOF\"]\nCMD cat <<EOF\nRUN echo '<<EOF'\n", "Dockerfile");
  REQUIRE(exec.ok());
  for (const auto& ins : exec->stages[0].instructions) CHECK(ins.heredocs.empty());
}

TEST_CASE("an unterminated heredoc names where it was opened", "[dockerfile][heredoc]") {
  auto parsed = df::Parse("FROM alpine\n\nRUN <<EOF\necho hi\nEOF \n", "Dockerfile");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().message() ==
        "Dockerfile:3:1: unterminated heredoc: no line \"EOF\" before the end of the file");
}

TEST_CASE("empty heredocs, heredocs beside files, and quoted << words", "[dockerfile][heredoc]") {
  auto d = df::Parse(
      "FROM alpine\n"
      "RUN <<EMPTY\n"
      "EMPTY\n"
      "ADD <<EOF foo.txt /bar\n"
      "this is inline\n"
      "EOF\n"
      "RUN \"<<NOHEREDOC\"\n"
      "RUN <<'EOF' | python\n"
      "print(\"hello\")\n"
      "EOF\n",
      "Dockerfile");
  REQUIRE(d.ok());
  const auto& in = d->stages[0].instructions;
  REQUIRE(in.size() == 4);
  REQUIRE(in[0].heredocs.size() == 1);
  CHECK(in[0].heredocs[0].content.empty());
  CHECK(in[1].heredocs.at(0).content == "this is inline\n");
  CHECK(in[1].text == "<<EOF foo.txt /bar");
  CHECK(in[2].heredocs.empty());
  CHECK(in[3].heredocs.at(0).content == "print(\"hello\")\n");
  CHECK_FALSE(in[3].heredocs[0].expand);
}
