// A registry blob opened as a Reader by the transfer engine: small blobs are fetched whole on the
// caller's thread, larger ones stream through a download thread; or written into a Writer on the
// caller's thread. All continue a broken download by Range without fetching a byte twice, start at
// an offset, and refuse a registry that sends more than the blob's size.

#include <catch2/catch.hpp>

#include "integration/registry_fault_support.h"
#include "transfer/registry_blob_reader.h"

using namespace hoist;
using namespace hoist::testing;

namespace {

constexpr uint64_t kKiB = 1024;

// How the transfer engine takes a registry blob: read from OpenRegistryBlob, or written into a
// Writer by WriteRegistryBlob on the caller's thread (a pull into a layout).
enum class Taken { kRead, kWritten };

// Everything the blob yields from `offset`, or its error.
Result<std::string> ReadWhole(const registry::Repository& repo, const Descriptor& blob, uint64_t offset,
                              bool* done = nullptr, Taken how = Taken::kRead) {
  auto on_done = [done] {
    if (done) *done = true;
  };
  if (how == Taken::kWritten) {
    StringWriter out;
    HOIST_TRY(transfer::WriteRegistryBlob(repo, blob, offset, out, on_done));
    return out.Take();
  }
  HOIST_TRY_ASSIGN(auto reader, transfer::OpenRegistryBlob(repo, blob, offset, on_done));
  return ReadAll(*reader, 1ull << 30);
}

// A repository of the test registry, reached through a fault proxy.
struct ProxiedRepo {
  explicit ProxiedRepo(const std::string& registry_host, const std::string& name)
      : proxy(registry_host),
        repo(OpenAt(proxy.url(), std::make_shared<ProxyStack>(proxy.host(), ProxyStackOptions{}), name)) {}
  FaultProxy proxy;
  registry::Repository repo;
};

std::string PatternBytes(uint64_t size, uint64_t seed, uint64_t from) {
  PatternBlob p(size, seed);
  std::string out;
  for (uint64_t i = from; i < size; ++i) out.push_back(p.ByteAt(i));
  return out;
}

}  // namespace

TEST_CASE("a registry blob reads whole, from an offset, and resumes a reset by Range, small or large") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  ProxiedRepo at(registry->host(), "reader/blobs");
  FaultProxy& proxy = at.proxy;
  const registry::Repository& repo = at.repo;

  // 100 KiB is fetched on the caller's thread; 3 MiB streams through the download thread.
  const uint64_t size = GENERATE(100 * kKiB, 3 * kKiB * kKiB);
  const Taken how = GENERATE(Taken::kRead, Taken::kWritten);
  const uint64_t seed = 40 + size + (how == Taken::kWritten ? 1 : 0);
  INFO("blob of " << size << " bytes, " << (how == Taken::kRead ? "read" : "written into a Writer"));
  PatternBlob content(size, seed);
  REQUIRE(repo.PutBlob(content, PatternBlob::DigestOf(size, seed), static_cast<int64_t>(size)).ok());
  const Descriptor blob = PatternDescriptor(size, seed);

  // Reads the blob from its start: every byte right, and the done callback ran.
  auto expect_whole = [&] {
    bool done = false;
    auto got = ReadWhole(repo, blob, 0, &done, how);
    INFO(Describe(got));
    REQUIRE(got.ok());
    CHECK(*got == PatternBytes(size, seed, 0));
    CHECK(done);
  };

  SECTION("whole, and the done callback runs") { expect_whole(); }
  SECTION("from an offset, asking the registry for the rest only") {
    const uint64_t offset = size / 3;
    proxy.ResetCounters();
    auto got = ReadWhole(repo, blob, offset, nullptr, how);
    INFO(Describe(got));
    REQUIRE(got.ok());
    CHECK(*got == PatternBytes(size, seed, offset));
    CHECK(proxy.counts("GET", PathKind::kBlob).response_body_bytes == size - offset);
  }
  SECTION("a reset mid-body continues by Range: every byte crosses once") {
    proxy.ResetCounters();
    proxy.AddRule({.method = "GET", .kind = PathKind::kBlob, .times = 1,
                   .fault = Fault::ResetResponseBody(size / 2)});
    expect_whole();
    CHECK(FaultsLike(proxy, "reset response after") == 1);
    CHECK(proxy.counts("GET", PathKind::kBlob).requests == 2);
    CHECK(proxy.counts("GET", PathKind::kBlob).response_body_bytes == size);
  }
  SECTION("a registry that ignores Range is refused before a byte of its whole blob is taken") {
    proxy.AddRule({.method = "GET", .kind = PathKind::kBlob, .fault = Fault::DropRange()});
    auto got = ReadWhole(repo, blob, size / 3, nullptr, how);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code() == ErrorCode::kUnsupported);
    CHECK_THAT(got.error().ToString(), Catch::Contains("does not continue downloads by Range (answered 200)"));
  }
  SECTION("a registry that sends more than the descriptor's size is refused") {
    Descriptor shorter = blob;
    shorter.size = static_cast<int64_t>(size - 10);
    bool done = false;
    auto got = ReadWhole(repo, shorter, 0, &done, how);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code() == ErrorCode::kDigestMismatch);
    CHECK_THAT(got.error().ToString(), Catch::Contains("more than"));
    CHECK_FALSE(done);
  }
}

TEST_CASE("a registry blob that is missing fails with the registry's answer") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  ProxiedRepo at(registry->host(), "reader/missing");
  const uint64_t size = GENERATE(10 * kKiB, 2 * kKiB * kKiB);
  const Taken how = GENERATE(Taken::kRead, Taken::kWritten);
  auto got = ReadWhole(at.repo, PatternDescriptor(size, 7), 0, nullptr, how);
  REQUIRE_FALSE(got.ok());
  CHECK_THAT(got.error().ToString(), Catch::Contains("BLOB_UNKNOWN") || Catch::Contains("blob unknown"));
}
