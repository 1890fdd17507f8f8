// Interrupted transfers continued without starting over, measured at the fault proxy: a
// download reset at 60% finishes by Range; a chunked upload whose process is killed with
// SIGKILL half way is finished by a second run (tests/tools/upload_blob, which saves its upload
// session after every chunk as `hoist push` does).
//
// Sizes: 64 MiB, not the 300 MiB: on a 2-core CI machine the Debug and sanitizer builds
// generate, hash and check the pattern at well under 300 MiB/s, and these checks do not depend
// on the size (the proxy counts bytes, not time).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "integration/registry_fault_support.h"
#include "integration/serve_test_support.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

using namespace hoist;
using namespace hoist::registry;
using namespace hoist::testing;

namespace {

constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kBig = 64 * kMiB;

// The upload tool as a child process whose stdout the test reads.
class UploadTool {
 public:
  explicit UploadTool(const std::vector<std::string>& args) {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      std::vector<char*> argv;
      static std::string tool = HOIST_UPLOAD_BLOB_TOOL;
      argv.push_back(tool.data());
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(tool.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~UploadTool() {
    if (pid_ > 0) Kill();
    ::close(out_);
  }

  // Reads stdout until a line starting with `prefix` (returned), EOF or the timeout ("").
  std::string WaitForLine(const std::string& prefix, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      size_t nl;
      while ((nl = buf_.find('\n')) != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        if (line.rfind(prefix, 0) == 0) return line;
      }
      if (std::chrono::steady_clock::now() > deadline) return "";
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char tmp[512];
      ssize_t n = ::read(out_, tmp, sizeof tmp);
      if (n <= 0) return "";
      buf_.append(tmp, static_cast<size_t>(n));
    }
  }

  void Kill() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buf_;
};

std::vector<std::string> ToolArgs(const FaultProxy& proxy, const std::string& repo, uint64_t size,
                                  uint64_t seed, uint64_t chunk, const std::string& state) {
  return {"--registry", proxy.url(), "--repo", repo, "--size", std::to_string(size),
          "--seed", std::to_string(seed), "--chunk", std::to_string(chunk), "--state", state};
}

uint64_t UploadBytes(const FaultProxy& proxy) {
  return proxy.counts("PATCH", PathKind::kUpload).request_body_bytes +
         proxy.counts("PUT", PathKind::kUpload).request_body_bytes +
         proxy.counts("POST", PathKind::kUpload).request_body_bytes;
}

// After a kill, bytes the process had already handed to the kernel still reach the proxy:
// the count once it stopped moving.
uint64_t SettledUploadBytes(const FaultProxy& proxy) {
  uint64_t last = UploadBytes(proxy);
  for (int quiet = 0; quiet < 3;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    uint64_t now = UploadBytes(proxy);
    quiet = now == last ? quiet + 1 : 0;
    last = now;
  }
  return last;
}

// The upload tool run to the end with `args`.
CommandResult RunTool(const std::vector<std::string>& args) {
  std::vector<std::string> argv{HOIST_UPLOAD_BLOB_TOOL};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

// The mid-chunk kill tests: a 16 MiB blob in 4 MiB chunks, so half way plus 1/2 MiB is inside the
// third chunk (8-12 MiB).
constexpr uint64_t kMidChunkSize = 16 * kMiB;
constexpr uint64_t kMidChunk = 4 * kMiB;

struct KilledThenRerun {
  uint64_t sent_first;   // upload bytes the proxy saw from the killed run
  CommandResult second;  // the run that finishes the upload
};

// Uploads `repo` through `proxy`, SIGKILLs the tool once the proxy has seen half the blob and
// 1/2 MiB more (inside the third chunk), then runs it again with the same saved state.
KilledThenRerun KillInsideThirdChunkThenRerun(const FaultProxy& proxy, const std::string& repo, uint64_t seed,
                                              const std::string& state) {
  auto args = ToolArgs(proxy, repo, kMidChunkSize, seed, kMidChunk, state);
  {
    UploadTool first(args);
    REQUIRE(first.WaitForLine("started", std::chrono::seconds(60)) == "started");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (proxy.counts("PATCH", PathKind::kUpload).request_body_bytes < kMidChunkSize / 2 + kMiB / 2) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    first.Kill();
  }
  const uint64_t sent_first = SettledUploadBytes(proxy);
  return {sent_first, RunTool(args)};
}

}  // namespace

TEST_CASE("a connection reset at 60% of a large download finishes by Range without starting over") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  FaultProxy proxy(registry->host());
  auto http = std::make_shared<ProxyStack>(proxy.host(), ProxyStackOptions{});
  Repository repo = OpenAt(proxy.url(), http, "resume/download");
  const uint64_t seed = 300;
  PatternBlob content(kBig, seed);
  REQUIRE(repo.PutBlob(content, PatternBlob::DigestOf(kBig, seed), static_cast<int64_t>(kBig)).ok());

  proxy.ResetCounters();
  proxy.AddRule({.method = "GET", .kind = PathKind::kBlob, .times = 1,
                 .fault = Fault::ResetResponseBody(kBig * 6 / 10)});
  ExpectPatternBlob(repo, kBig, seed);
  ProxyCounts gets = proxy.counts("GET", PathKind::kBlob);
  CHECK(FaultsLike(proxy, "reset response") == 1);
  CHECK(gets.requests == 2);                      // the first GET, then one Range GET
  CHECK(gets.response_body_bytes == kBig);        // no byte sent twice
}

TEST_CASE("a chunked upload killed with SIGKILL between chunks half way is finished by a second run within 110%") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  FaultProxy proxy(registry->host());
  TempDir dir;
  const std::string state = dir / "upload.json";
  const uint64_t seed = 301, chunk = 4 * kMiB;
  auto args = ToolArgs(proxy, "resume/killed", kBig, seed, chunk, state);
  {
    auto paused = args;
    paused.insert(paused.end(), {"--pause-at", std::to_string(kBig / 2)});
    UploadTool first(paused);
    std::string line = first.WaitForLine("paused", std::chrono::seconds(120));
    REQUIRE(line == "paused " + std::to_string(kBig / 2));
    first.Kill();  // SIGKILL: no destructor, no DELETE of the upload
  }
  const uint64_t sent_first = SettledUploadBytes(proxy);
  CHECK(sent_first == kBig / 2);

  CommandResult second = RunTool(args);
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  CHECK_THAT(second.out, Catch::Contains("resumed " + std::to_string(kBig / 2)));
  CHECK(UploadBytes(proxy) <= kBig + kBig / 10);
  CHECK(UploadBytes(proxy) == kBig);

  auto http = std::make_shared<ProxyStack>(proxy.host(), ProxyStackOptions{});
  ExpectPatternBlob(OpenAt(proxy.url(), http, "resume/killed"), kBig, seed);
}

// Distribution keeps the bytes of a PATCH that broke off and then refuses the upload's saved
// state (404 BLOB_UPLOAD_INVALID, see docs/ARCHITECTURE.md), so a kill in the middle of a chunk
// cannot be resumed against this registry: the second run must notice and start over, and the
// blob must still come out right.
TEST_CASE("a chunked upload killed with SIGKILL in the middle of a chunk is finished by a second run") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  FaultProxy proxy(registry->host());
  TempDir dir;
  const uint64_t size = kMidChunkSize, seed = 302;
  auto [sent_first, second] = KillInsideThirdChunkThenRerun(proxy, "resume/mid-chunk", seed, dir / "upload.json");
  INFO("first run sent " << sent_first);
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  if (second.out.find("resumed") != std::string::npos) {
    // The kill landed between two chunks after all.
    CHECK(UploadBytes(proxy) <= size + size / 10);
  } else {
    CHECK_THAT(second.out, Catch::Contains("restarted"));
    CHECK(UploadBytes(proxy) - sent_first == size);
  }
  auto http = std::make_shared<ProxyStack>(proxy.host(), ProxyStackOptions{});
  ExpectPatternBlob(OpenAt(proxy.url(), http, "resume/mid-chunk"), size, seed);
}

// hoist serve keeps every byte of a PATCH that broke off (Distribution does not, above), so a client
// killed in the middle of a chunk resumes at the byte the server holds: within 110% of the blob in all.
TEST_CASE("an upload to hoist serve killed with SIGKILL inside a chunk resumes at the byte serve holds") {
  TempDir dir;
  hoist::serve_test::ServeProcess serve({dir / "served"});
  FaultProxy proxy(serve.host());
  const uint64_t size = kMidChunkSize, seed = 303;
  auto [sent_first, second] = KillInsideThirdChunkThenRerun(proxy, "resume/serve", seed, dir / "upload.json");
  INFO("first run sent " << sent_first);
  REQUIRE(sent_first > size / 2);
  INFO(second.out << second.err << "\nserve log:\n" << serve.log());
  REQUIRE(second.exit_code == 0);
  REQUIRE_THAT(second.out, Catch::Contains("resumed "));
  const uint64_t resumed_at = std::stoull(second.out.substr(second.out.find("resumed ") + 8));
  CHECK(resumed_at > 2 * kMidChunk);  // the kill came inside the third chunk: what of it arrived was kept
  CHECK(resumed_at <= sent_first);
  CHECK(UploadBytes(proxy) <= size + size / 10);
  auto http = std::make_shared<ProxyStack>(proxy.host(), ProxyStackOptions{});
  ExpectPatternBlob(OpenAt(proxy.url(), http, "resume/serve"), size, seed);
}
