// Reading RUN and COPY instructions into what the builder executes (run_step.h, copy_step.h).

#include <catch2/catch.hpp>

#include "builder/copy_step.h"
#include "builder/run_step.h"

using namespace hoist::builder;
namespace df = hoist::builder::dockerfile;

namespace {

df::Instruction Only(const std::string& line) {
  auto f = df::Parse("FROM scratch\n" + line, "Dockerfile");
  INFO((f.ok() ? std::string() : f.error().message()));
  REQUIRE(f.ok());
  REQUIRE(f->stages.size() == 1);
  REQUIRE(f->stages[0].instructions.size() == 1);
  return f->stages[0].instructions[0];
}

}  // namespace

TEST_CASE("RUN argv: shell form through the SHELL, exec form as written, a heredoc as the script") {
  const std::vector<std::string> shell = {"/bin/sh", "-c"};
  CHECK(RunArgv(Only("RUN echo hi"), shell) == std::vector<std::string>{"/bin/sh", "-c", "echo hi"});
  CHECK(RunArgv(Only("RUN [\"echo\", \"a b\"]"), shell) == std::vector<std::string>{"echo", "a b"});
  CHECK(RunArgv(Only("RUN <<EOF\necho one\necho two\nEOF\n"), shell) ==
        std::vector<std::string>{"/bin/sh", "-c", "echo one\necho two\n"});
  auto redirected = RunArgv(Only("RUN cat <<EOF > /f\nbody\nEOF\n"), shell);
  REQUIRE(redirected.size() == 3);
  CHECK_THAT(redirected[2], Catch::StartsWith("cat <<EOF > /f\nbody\nEOF"));
  CHECK(ParseRunFlags(Only("RUN --network=none true"), false).value().network ==
        hoist::container::SandboxOptions::Network::kNone);
  CHECK_FALSE(ParseRunFlags(Only("RUN --network=bridge true"), false).ok());
}

TEST_CASE("COPY: destination relative to WORKDIR, several sources need a directory, flags read") {
  BuildScope scope({}, {});
  scope.BeginStage({"DIR=/srv"});
  auto spec = ParseCopy(Only("COPY --chown=app:staff --chmod=0640 a.txt b/ ${DIR}/"), scope, '\\', "/app");
  REQUIRE(spec.ok());
  CHECK(spec->sources == std::vector<std::string>{"a.txt", "b/"});
  CHECK(spec->dest == "/srv/");
  CHECK(spec->dest_is_dir);
  CHECK(spec->chown == "app:staff");
  CHECK(spec->chmod == std::optional<mode_t>(0640));
  CHECK(spec->history == "COPY --chown=app:staff --chmod=0640 a.txt b/ /srv/ # buildkit");

  auto relative = ParseCopy(Only("COPY package.json ."), scope, '\\', "/app");
  REQUIRE(relative.ok());
  CHECK(relative->dest == "/app/.");
  CHECK(relative->dest_is_dir);

  auto several = ParseCopy(Only("COPY a b /file"), scope, '\\', "/");
  REQUIRE_FALSE(several.ok());
  CHECK_THAT(several.error().message(), Catch::Contains("Dockerfile:2"));
  CHECK_FALSE(ParseCopy(Only("COPY --chmod=999 a /b"), scope, '\\', "/").ok());
}

TEST_CASE("ADD URL sources: kept apart from context files, --checksum read, COPY and git refused") {
  BuildScope scope({}, {});
  scope.BeginStage({"V=1.2"});
  const std::string sum = hoist::Digest::Of("x").str();
  auto add = ParseCopy(Only("ADD --checksum=" + sum + " https://example.com/v${V}/a.tgz /b"), scope, '\\', "/");
  REQUIRE(add.ok());
  CHECK(add->urls == std::vector<std::string>{"https://example.com/v1.2/a.tgz"});
  CHECK(add->sources.empty());
  REQUIRE(add->checksum);
  CHECK(add->checksum->str() == sum);
  CHECK(add->history == "ADD --checksum=" + sum + " https://example.com/v1.2/a.tgz /b # buildkit");

  auto mixed = ParseCopy(Only("ADD local.txt http://example.com/x /dir/"), scope, '\\', "/");
  REQUIRE(mixed.ok());
  CHECK(mixed->sources == std::vector<std::string>{"local.txt"});
  CHECK(mixed->urls == std::vector<std::string>{"http://example.com/x"});
  CHECK_FALSE(ParseCopy(Only("ADD local.txt http://example.com/x /file"), scope, '\\', "/").ok());

  for (const char* refused : {"COPY https://example.com/a.tgz /b", "ADD --checksum=" "sha256:00 https://example.com/a /b",
                              "ADD --checksum=sha256:0000000000000000000000000000000000000000000000000000000000000000 "
                              "local.txt /b",
                              "COPY git@github.com:x/y.git /src", "ADD https://u:pw@github.com/x/y.git /src",
                              "ADD git@github.com:x/y.git git://h/z.git /file"}) {
    INFO(refused);
    auto r = ParseCopy(Only(refused), scope, '\\', "/");
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message(), Catch::Contains("Dockerfile:2"));
  }
}

TEST_CASE("ADD takes git repositories as BuildKit spells them: URL#REF:SUBDIR") {
  BuildScope scope({}, {});
  scope.BeginStage({});
  auto add = ParseCopy(Only("ADD --keep-git-dir git@github.com:x/y.git https://h.example/z.git#v1.2:sub/../dir "
                            "ssh://git@h/w.git#main git://h/v.git /src/"),
                       scope, '\\', "/");
  INFO((add.ok() ? std::string() : add.error().message()));
  REQUIRE(add.ok());
  REQUIRE(add->gits.size() == 4);
  CHECK(add->keep_git_dir);
  CHECK(add->sources.empty());
  CHECK(add->gits[0].url == "git@github.com:x/y.git");
  CHECK(add->gits[0].ref.empty());
  CHECK(add->gits[1].url == "https://h.example/z.git");
  CHECK(add->gits[1].ref == "v1.2");
  CHECK(add->gits[1].subdir == "dir");
  CHECK(add->gits[2].ref == "main");
  auto url = ParseCopy(Only("ADD https://h.example/z.tar.gz /src/"), scope, '\\', "/");
  REQUIRE(url.ok());
  CHECK(url->gits.empty());
  CHECK(url->urls.size() == 1);
}

TEST_CASE("RUN <<  EOF and COPY << EOF: openers with blanks work as <<EOF (issue 18)") {
  const std::vector<std::string> shell = {"/bin/sh", "-c"};
  CHECK(RunArgv(Only("RUN <<  EOF\necho one\nEOF\n"), shell) == std::vector<std::string>{"/bin/sh", "-c", "echo one\n"});
  CHECK(RunArgv(Only("RUN <<- EOF\n\techo two\n\tEOF\n"), shell) ==
        std::vector<std::string>{"/bin/sh", "-c", "echo two\n"});
  BuildScope scope({}, {});
  scope.BeginStage({});
  auto spec = ParseCopy(Only("COPY << EOF /hello.txt\nhello\nEOF\n"), scope, '\\', "/");
  INFO((spec.ok() ? std::string() : spec.error().message()));
  REQUIRE(spec.ok());
  REQUIRE(spec->heredocs.size() == 1);
  CHECK(spec->heredocs[0].first == "EOF");
  CHECK(spec->heredocs[0].second == "hello\n");
  CHECK(spec->sources.empty());
  auto dashed = ParseCopy(Only("COPY << -EOF /x\nhi\n-EOF\n"), scope, '\\', "/");
  REQUIRE(dashed.ok());
  REQUIRE(dashed->heredocs.size() == 1);
  CHECK(dashed->heredocs[0].first == "-EOF");
}
