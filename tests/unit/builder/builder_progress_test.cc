// hoist build's progress lines (builder/build_progress.h): BuildKit's plain style, and docker
// build's classic one left as it was.

#include <stdio.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "builder/base_images.h"
#include "builder/build_progress.h"
#include "builder/prefixed_output.h"

using hoist::Platform;
using hoist::builder::BuildKitPlatform;
using hoist::builder::BuildProgress;
using hoist::builder::ParseBuildPlatforms;
using hoist::builder::ProgressStyle;

namespace {

// What `drive` printed through a BuildProgress of `style`.
template <typename F>
std::string Printed(ProgressStyle style, F drive) {
  char* buf = nullptr;
  size_t size = 0;
  FILE* out = ::open_memstream(&buf, &size);
  REQUIRE(out != nullptr);
  {
    BuildProgress p(out, false, style);
    drive(p);
  }
  std::fclose(out);
  std::string text(buf, size);
  std::free(buf);
  return text;
}

// Timings made fixed, so lines compare whole: "#2 DONE 0.3s" → "#2 DONE T".
std::string NoTimes(const std::string& s) {
  std::string out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\n', start);
    std::string line = s.substr(start, end - start);
    size_t done = line.find(" DONE ");
    out += done == std::string::npos ? line : line.substr(0, done) + " DONE T";
    out += "\n";
    start = end == std::string::npos ? s.size() : end + 1;
  }
  return out;
}

void ThreeSteps(BuildProgress& p) {
  p.SetTotal(3);
  p.BeginStage("builder", 3);
  p.Step("FROM busybox AS builder");
  p.Note("sha256:0123456789ab");
  p.Step("RUN make");
  p.Done(std::nullopt);
  p.Step("COPY . .");
  p.Cached();
  p.Line("Successfully built 0123456789ab");
}

}  // namespace

TEST_CASE("plain progress prints BuildKit's step, DONE and CACHED lines") {
  CHECK(BuildProgress::PlainStepLine(5, "linux/arm64 builder", 2, 4, "RUN make") ==
        "#5 [linux/arm64 builder 2/4] RUN make");
  CHECK(BuildProgress::PlainStepLine(1, "", 1, 3, "FROM busybox") == "#1 [1/3] FROM busybox");
  CHECK(BuildProgress::PlainDoneLine(2, 0.31) == "#2 DONE 0.3s");
  CHECK(BuildProgress::PlainCachedLine(3) == "#3 CACHED");
}

TEST_CASE("plain progress closes every step, a config step or FROM with DONE") {
  std::string text = NoTimes(Printed(ProgressStyle::kPlain, ThreeSteps));
  CHECK(text ==
        "#1 [builder 1/3] FROM busybox AS builder\n"
        "#1 sha256:0123456789ab\n"
        "#1 DONE T\n"
        "#2 [builder 2/3] RUN make\n"
        "#2 DONE T\n"
        "#3 [builder 3/3] COPY . .\n"
        "#3 CACHED\n"
        "Successfully built 0123456789ab\n");
}

TEST_CASE("plain progress numbers only BuildKit's vertices: a config step is not shown, classic counts it") {
  auto drive = [](BuildProgress& p) {
    p.SetTotal(6);
    p.BeginStage("", 3);
    p.Step("FROM busybox");
    p.Step("ENV A=1", false);
    p.Done(std::nullopt);
    p.Step("RUN make");
    p.Done(std::nullopt);
    p.Step("LABEL x=y", false);
    p.Done(std::nullopt);
    p.Step("COPY . .");
    p.Cached();
    p.BeginStage("out", 1);
    p.Step("FROM scratch AS out");
    p.Note("sha256:0123456789ab");  // under its own vertex, not the instruction count
    p.Line("end");
  };
  CHECK(NoTimes(Printed(ProgressStyle::kPlain, drive)) ==
        "#1 [1/3] FROM busybox\n"
        "#1 DONE T\n"
        "#2 [2/3] RUN make\n"
        "#2 DONE T\n"
        "#3 [3/3] COPY . .\n"
        "#3 CACHED\n"
        "#4 [out 1/1] FROM scratch AS out\n"
        "#4 sha256:0123456789ab\n"
        "#4 DONE T\n"
        "end\n");
  std::string classic = Printed(ProgressStyle::kClassic, drive);
  CHECK_THAT(classic, Catch::Contains("Step 2/6 : ENV A=1\n"));
  CHECK_THAT(classic, Catch::Contains("Step 5/6 : COPY . .\n ---> CACHED\n"));
}

TEST_CASE("classic progress keeps docker build's Step n/N lines") {
  std::string text = Printed(ProgressStyle::kClassic, ThreeSteps);
  CHECK_THAT(text, Catch::StartsWith("Step 1/3 : FROM busybox AS builder\n ---> sha256:0123456789ab\n"
                                     "Step 2/3 : RUN make\n ---> "));
  CHECK_THAT(text, Catch::EndsWith("no filesystem change\nStep 3/3 : COPY . .\n ---> CACHED\n"
                                   "Successfully built 0123456789ab\n"));
}

TEST_CASE("tty progress redraws a step's line in place with its outcome") {
  std::string text = Printed(ProgressStyle::kTty, [](BuildProgress& p) {
    p.BeginStage("", 2);
    p.Step("COPY . .");
    p.Cached();
    p.Step("RUN make");
    p.BeforeOutput();  // the command's output goes below its line
    p.Done(std::nullopt);
  });
  CHECK_THAT(text, Catch::StartsWith("=> [1/2] COPY . ."));
  CHECK_THAT(text, Catch::Contains("\r\033[2K=> CACHED [1/2] COPY . .\n"));
  CHECK_THAT(text, Catch::Contains("=> [2/2] RUN make\n=> [2/2] RUN make"));
}

TEST_CASE("the platform option takes one platform or a list in BuildKit's spelling") {
  auto one = ParseBuildPlatforms("linux/arm64/v8");
  REQUIRE(one.ok());
  REQUIRE(one->size() == 1);
  CHECK(one->front().str() == "linux/arm64");
  auto two = ParseBuildPlatforms("linux/amd64,linux/arm64");
  REQUIRE(two.ok());
  REQUIRE(two->size() == 2);
  CHECK((*two)[1].str() == "linux/arm64");
  CHECK(ParseBuildPlatforms("")->front() == BuildKitPlatform(Platform::Host()));
  CHECK_FALSE(ParseBuildPlatforms("linux/arm64,linux/aarch64").ok());  // the same one twice
  CHECK_FALSE(ParseBuildPlatforms("linux/amd64,").ok());
  CHECK(BuildKitPlatform(Platform::Parse("linux/arm/v7").value()).str() == "linux/arm/v7");
}

TEST_CASE("plain progress prefixes each output line of a RUN step with its step number and seconds") {
  using hoist::builder::PrefixedOutput;
  CHECK(PrefixedOutput::Line(4, 0.2154, "hello") == "#4 0.215 hello\n");
  int out[2];
  REQUIRE(::pipe(out) == 0);
  auto relay = PrefixedOutput::Start(7, out[1]);
  REQUIRE(relay.ok());
  const std::string text = "one\ntwo\n\nno newline";
  REQUIRE(::write(relay->input_fd(), text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  relay->Finish();
  ::close(out[1]);
  std::string got;
  char buf[256];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  ::close(out[0]);
  std::vector<std::string> lines;
  for (size_t start = 0, nl; (nl = got.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(got.substr(start, nl - start));
  }
  REQUIRE(lines.size() == 4);
  const std::vector<std::string> texts = {"one", "two", "", "no newline"};
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO(lines[i]);
    CHECK(lines[i].rfind("#7 0.", 0) == 0);
    CHECK(lines[i].substr(lines[i].find(' ', 3) + 1) == texts[i]);
  }
}
