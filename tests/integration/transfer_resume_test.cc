// Interrupted pulls and pushes continue where they stopped when run again. Sizes are kept small
// for CI (a 48 MiB layer rather than the 600 MiB image).

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "core/fs.h"
#include "registry/client/repository.h"
#include "registry/http/curl_client.h"
#include "store/layout_paths.h"
#include "support/fault_proxy.h"
#include "support/registry_fixture.h"
#include "support/temp_dir.h"
#include "transfer/resume_state.h"
#include "transfer_test_support.h"

using namespace hoist;
using hoist::testing::RegistryVariant;
using hoist::testing::TempDir;
using namespace hoist::transfer_test;

namespace {

constexpr size_t kLayerSize = 48 << 20;

// `hoist ARGS` in the background, output to files in `dir`.
pid_t SpawnHoist(const std::vector<std::string>& args, const std::string& dir) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open((dir + "/bg.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open((dir + "/bg.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> argv;
    std::string bin = HOIST_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

int64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

// Waits (up to ~20 s) until `ready()` or the process ended; true if ready() while it ran.
template <class F>
bool WaitWhileRunning(pid_t pid, F ready, int& status, bool& exited) {
  for (int i = 0; i < 20000; ++i) {
    if (ready()) return true;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  return false;
}

// The furthest upload offset a push has saved for a later run to continue from (0: none).
uint64_t SavedUploadOffset(const std::string& resume_dir) {
  auto names = ListDirNames(resume_dir);
  if (!names.ok()) return 0;
  uint64_t best = 0;
  for (const std::string& name : *names) {
    if (name[0] == '.') continue;  // a state file being written
    auto text = testing::ReadFile(resume_dir + "/" + name);
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_object() && j.contains("offset")) best = std::max(best, j["offset"].get<uint64_t>());
  }
  return best;
}

std::vector<std::string> Args(const Hoist& h, std::vector<std::string> a) {
  std::vector<std::string> all = {"--store", h.store, "--progress", "none", "--format", "json"};
  all.insert(all.end(), a.begin(), a.end());
  for (const auto& r : h.registries) {
    all.push_back("--insecure-registry");
    all.push_back(r);
  }
  return all;
}

}  // namespace

TEST_CASE("a pull killed half way continues from the partial download") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Descriptor image = layout.AddImage({kLayerSize}, "amd64", 11);
  layout.Name("big", image);
  Manifest m = *Manifest::Parse(testing::ReadFile(layout.BlobPath(image.digest)));
  const Descriptor layer = m.layers()[0];
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string ref = registry->host() + "/big:1";
  hoist.Report({"copy", "oci:" + layout.dir() + ":big", "docker://" + ref});

  const std::string partial = store::LayoutPaths(dir / "store").Partial(layer.digest);
  pid_t pid = SpawnHoist(Args(hoist, {"pull", "--jobs", "1", ref}), dir.path());
  int status = 0;
  bool exited = false;
  int64_t kept = 0;
  if (WaitWhileRunning(pid, [&] { return FileSize(partial) >= (4 << 20); }, status, exited)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    kept = FileSize(partial);
  }
  INFO("partial bytes kept by the killed pull: " << kept);
  auto again = hoist.Report({"pull", ref});
  CHECK(DigestOf(again) == image.digest.str());
  // Only what was missing is fetched again (the config may be fetched in full).
  CHECK(again["bytes"].get<uint64_t>() <= kLayerSize - static_cast<uint64_t>(kept) + 4096);
  CHECK(FileSize(partial) == -1);  // committed into blobs/
}

// A one-layer image of 4 MiB pushed to `ref`, and what a killed pull of it leaves in the store:
// the layer's first 3 MiB in its partial file.
struct PartiallyPulled {
  PartiallyPulled(const TempDir& dir, const Hoist& hoist, const std::string& ref, uint64_t seed)
      : layout(dir / "src"), paths(dir / "store") {
    image = layout.AddImage({4 << 20}, "amd64", seed);
    layout.Name("img", image);
    const Manifest m = *Manifest::Parse(testing::ReadFile(layout.BlobPath(image.digest)));
    layer = m.layers()[0];
    config_size = static_cast<uint64_t>(m.config().size);
    hoist.Report({"copy", "oci:" + layout.dir() + ":img", "docker://" + ref});
    ::mkdir((dir / "store").c_str(), 0755);
    ::mkdir(paths.PrivateDir().c_str(), 0755);
    ::mkdir(paths.PartialDir().c_str(), 0755);
    testing::WriteFile(paths.Partial(layer.digest),
                       testing::ReadFile(layout.BlobPath(layer.digest)).substr(0, 3 << 20));
  }
  Layout layout;
  store::LayoutPaths paths;
  Descriptor image, layer;
  uint64_t config_size = 0;
};

TEST_CASE("a pull continues a partial download left in the store by Range") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string ref = registry->host() + "/img:1";
  PartiallyPulled left(dir, hoist, ref, 12);
  auto r = hoist.Report({"pull", ref});
  CHECK(r["bytes"].get<uint64_t>() == (1u << 20) + left.config_size);
  CHECK(DigestOf(r) == left.image.digest.str());
}

TEST_CASE("a pull continuing a partial download from a registry that ignores Range starts the blob over") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  testing::FaultProxy proxy(registry->host());
  Hoist hoist{dir / "store", {registry->host(), proxy.host()}};
  PartiallyPulled left(dir, hoist, registry->host() + "/norange/img:1", 13);
  proxy.AddRule({.method = "GET", .kind = testing::PathKind::kBlob, .fault = testing::Fault::DropRange()});

  auto r = hoist.Report({"pull", proxy.host() + "/norange/img:1"});
  CHECK(DigestOf(r) == left.image.digest.str());
  CHECK(FileSize(left.paths.Partial(left.layer.digest)) == -1);
  // The refused 200 gave the store no byte (none appended after the 3 MiB kept); the layer then
  // came whole from its start.
  CHECK(r["bytes"].get<uint64_t>() == static_cast<uint64_t>(left.layer.size) + left.config_size);
  CHECK(proxy.counts("GET", testing::PathKind::kBlob).faults >= 1);
}

TEST_CASE("a push continues the registry upload session an earlier run saved") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Descriptor image = layout.AddImage({40 << 20}, "amd64", 13);
  layout.Name("img", image);
  Manifest m = *Manifest::Parse(testing::ReadFile(layout.BlobPath(image.digest)));
  const Descriptor layer = m.layers()[0];
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string stored = registry->host() + "/img:1";
  hoist.Report({"copy", "oci:" + layout.dir() + ":img", stored});

  // An earlier push that sent 16 MiB of the layer and saved its session, then died.
  auto repo = registry::Repository::Open(std::make_shared<registry::CurlClient>(registry::HttpClientOptions{}),
                                         registry->url(), "img");
  REQUIRE(repo.ok());
  auto session = repo->StartUpload();
  REQUIRE(session.ok());
  StringReader first(testing::ReadFile(layout.BlobPath(layer.digest)).substr(0, 16 << 20));
  REQUIRE(repo->UploadChunk(*session, first, 16 << 20).ok());
  transfer::ResumeState resume(store::LayoutPaths(dir / "store").ResumeDir());
  REQUIRE(resume.Save(registry->host() + "/img", layer.digest, *session).ok());

  auto r = hoist.Report({"push", stored});
  CHECK(DigestOf(r) == image.digest.str());
  CHECK(r["bytes"].get<uint64_t>() == (24u << 20) + static_cast<uint64_t>(m.config().size));
  CHECK_FALSE(resume.Find(registry->host() + "/img", layer.digest));
}

TEST_CASE("Ctrl-C stops a push cleanly, says how to resume, and the rerun sends only the rest") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Layout layout(dir / "src");
  Descriptor image = layout.AddImage({kLayerSize}, "amd64", 14);
  layout.Name("img", image);
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string stored = registry->host() + "/big:1";
  hoist.Report({"copy", "oci:" + layout.dir() + ":img", stored});

  const std::string resume_dir = store::LayoutPaths(dir / "store").ResumeDir();
  auto saved_offset = [&] { return SavedUploadOffset(resume_dir); };
  pid_t pid = SpawnHoist(Args(hoist, {"push", stored}), dir.path());
  int status = 0;
  bool exited = false;
  uint64_t sent_before = 0;
  if (WaitWhileRunning(pid, [&] { return saved_offset() > 0; }, status, exited)) {
    ::kill(pid, SIGINT);
    ::waitpid(pid, &status, 0);
    sent_before = saved_offset();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 130) {
      CHECK(testing::ReadFile(dir / "bg.err").find("run the same command again") != std::string::npos);
    } else {
      sent_before = 0;  // finished before the signal arrived
    }
  }
  INFO("bytes the interrupted push had sent: " << sent_before);
  auto r = hoist.Report({"push", stored});
  CHECK(DigestOf(r) == image.digest.str());
  CHECK(r["bytes"].get<uint64_t>() <= kLayerSize - sent_before + 4096);
}

TEST_CASE("Ctrl-C stops a build --push in its upload, and the same build run again sends only the rest") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  testing::FaultProxy proxy(registry->host());  // counts what each run uploads
  Hoist hoist{dir / "store", {proxy.host()}};
  const std::string context = dir / "context";
  ::mkdir(context.c_str(), 0755);
  testing::WriteFile(context + "/Dockerfile", "FROM scratch\nCOPY big /big\n");
  testing::WriteFile(context + "/big", RandomBytes(kLayerSize, 15));  // incompressible: a 48 MiB layer
  const std::string tag = proxy.host() + "/built/big:1";
  const std::vector<std::string> build = Args(hoist, {"build", "-t", tag, "--push", context});
  const std::string resume_dir = store::LayoutPaths(dir / "store").ResumeDir();

  pid_t pid = SpawnHoist(build, dir.path());
  int status = 0;
  bool exited = false;
  // The upload saves where it stands after its first chunk, so that a rerun can continue it.
  const bool saved = WaitWhileRunning(pid, [&] { return SavedUploadOffset(resume_dir) > 0; }, status, exited);
  if (!exited) {
    ::kill(pid, SIGINT);
    ::waitpid(pid, &status, 0);
  }
  INFO(testing::ReadFile(dir / "bg.err"));
  REQUIRE(saved);
  const bool finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;  // before the signal came
  if (!finished) {
    CHECK(WIFEXITED(status));  // not killed by the signal: stopped cleanly
    CHECK(WEXITSTATUS(status) == 130);
    CHECK(testing::ReadFile(dir / "bg.err").find("run the same command again") != std::string::npos);
  }
  const uint64_t sent_before = finished ? kLayerSize : SavedUploadOffset(resume_dir);
  proxy.ResetCounters();
  auto again = testing::RunHoist(build);
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  const std::string built = nlohmann::json::parse(again.out)["Digest"].get<std::string>();
  const uint64_t uploaded = proxy.counts("PATCH").request_body_bytes + proxy.counts("PUT").request_body_bytes;
  INFO("sent before Ctrl-C: " << sent_before << ", by the rerun: " << uploaded);
  CHECK(uploaded <= kLayerSize - sent_before + (64 << 10));  // the rest of the layer, the config, the manifest
  auto pulled = hoist.Report({"copy", "docker://" + tag, "oci:" + (dir / "check") + ":1"});
  CHECK(DigestOf(pulled) == built);
}
