// Blob uploads and downloads against a real registry: monolithic and chunked, resumed from a
// saved session (also across a registry restart), cancelled, mounted; downloads resumed by offset.

#include <catch2/catch.hpp>

#include "integration/registry_client_support.h"

using namespace hoist;
using namespace hoist::registry;
using hoist::testing::Describe;
using hoist::testing::OpenRepo;
using hoist::testing::PatternCheckingSink;
using hoist::testing::PatternBlob;
using hoist::testing::Registry;
using hoist::testing::RegistryVariant;
using hoist::testing::TestHttp;

namespace {

constexpr uint64_t kMiB = 1 << 20;

// Downloads the blob and checks it byte by byte against the pattern (GetBlob checks the digest).
void ExpectBlob(const Repository& repo, uint64_t size, uint64_t seed) {
  Digest digest = PatternBlob::DigestOf(size, seed);
  Result<std::optional<BlobInfo>> head = repo.HeadBlob(digest);
  INFO(Describe(head));
  REQUIRE(head.ok());
  REQUIRE(head->has_value());
  CHECK((*head)->size == static_cast<int64_t>(size));
  PatternCheckingSink sink(size, seed);
  Status got = repo.GetBlob(digest, sink, {.expected_size = static_cast<int64_t>(size)});
  INFO(Describe(got));
  REQUIRE(got.ok());
  CHECK(sink.exact());
}

void PushMonolithic(const Repository& repo, uint64_t size, uint64_t seed) {
  PatternBlob content(size, seed);
  Status s = repo.PutBlob(content, PatternBlob::DigestOf(size, seed), static_cast<int64_t>(size));
  INFO("size " << size << ": " << Describe(s));
  REQUIRE(s.ok());
}

void PushChunked(const Repository& repo, uint64_t size, uint64_t seed, uint64_t chunk) {
  PatternBlob content(size, seed);
  int progress = 0;
  Status s = repo.PutBlobChunked(content, PatternBlob::DigestOf(size, seed), size,
                                 {.chunk_size = chunk,
                                  .on_progress = [&](const UploadSession&) { ++progress; }});
  INFO("size " << size << ", chunks of " << chunk << ": " << Describe(s));
  REQUIRE(s.ok());
  uint64_t chunks = (size + chunk - 1) / chunk;
  CHECK(progress == static_cast<int>(chunks) + 1);  // the start, then every chunk
}

}  // namespace

TEST_CASE("monolithic uploads of 0 B, 1 B and 5 MiB download byte-exact") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "upload/monolithic");
  for (uint64_t size : {uint64_t{0}, uint64_t{1}, 5 * kMiB}) {
    PushMonolithic(repo, size, 1);
    ExpectBlob(repo, size, 1);
  }
}

TEST_CASE("chunked uploads download byte-exact whether or not the chunk size divides the blob") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "upload/chunked");
  uint64_t seed = 10;
  for (uint64_t chunk : {kMiB, kMiB + kMiB / 2 + 1, 8 * kMiB}) {
    PushChunked(repo, 5 * kMiB, ++seed, chunk);
    ExpectBlob(repo, 5 * kMiB, seed);
  }
  PushChunked(repo, 1, ++seed, kMiB);
  ExpectBlob(repo, 1, seed);
  PushChunked(repo, 0, ++seed, kMiB);
  ExpectBlob(repo, 0, seed);
}

TEST_CASE("a 64 MiB blob uploads in chunks and downloads byte-exact") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "upload/large");
  PushChunked(repo, 64 * kMiB, 64, 16 * kMiB);
  ExpectBlob(repo, 64 * kMiB, 64);
}

TEST_CASE("uploads and downloads work over TLS") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kTls);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "upload/tls");
  PushMonolithic(repo, 5 * kMiB, 20);
  ExpectBlob(repo, 5 * kMiB, 20);
  PushChunked(repo, 3 * kMiB + 7, 21, kMiB);
  ExpectBlob(repo, 3 * kMiB + 7, 21);
}

TEST_CASE("uploads and downloads work with basic auth over TLS") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kTlsHtpasswd);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "upload/auth");
  PushMonolithic(repo, kMiB, 30);
  ExpectBlob(repo, kMiB, 30);
  PushChunked(repo, 2 * kMiB + 1, 31, kMiB);
  ExpectBlob(repo, 2 * kMiB + 1, 31);
}

TEST_CASE("an abandoned chunked upload resumes from its saved session in a new client") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  const uint64_t size = 5 * kMiB + 123, seed = 40;
  const Digest digest = PatternBlob::DigestOf(size, seed);
  std::string saved;
  std::string stale_location;
  {
    auto http = std::make_shared<TestHttp>(*registry);
    Repository repo = OpenRepo(*registry, http, "upload/resume");
    Result<UploadSession> session = repo.StartUpload();
    REQUIRE(session.ok());
    stale_location = session->location;
    PatternBlob content(size, seed);
    REQUIRE(repo.UploadChunk(*session, content, 2 * kMiB).ok());
    REQUIRE(repo.UploadChunk(*session, content, kMiB).ok());
    CHECK(session->offset == 3 * kMiB);
    CHECK(session->location != stale_location);  // the state token moves on after every PATCH
    saved = EncodeUploadSession(*session);
  }  // the client goes away mid-upload

  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "upload/resume");
  Result<UploadSession> decoded = DecodeUploadSession(saved);
  REQUIRE(decoded.ok());

  Result<UploadSession> stale = repo.ResumeUpload({stale_location, 0, 0});
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code() == ErrorCode::kNotFound);

  Result<UploadSession> resumed = repo.ResumeUpload(*decoded);
  INFO(Describe(resumed));
  REQUIRE(resumed.ok());
  CHECK(resumed->offset == 3 * kMiB);
  PatternBlob rest(size, seed);
  rest.Seek(resumed->offset);
  Status done = repo.ContinueUpload(*resumed, rest, digest, size, {.chunk_size = kMiB});
  INFO(Describe(done));
  REQUIRE(done.ok());
  ExpectBlob(repo, size, seed);
}

TEST_CASE("an upload session saved by PutBlobChunked resumes after a registry restart") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  const uint64_t size = 4 * kMiB, seed = 50;
  const Digest digest = PatternBlob::DigestOf(size, seed);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "upload/restart");

  // The source fails after 2.5 MiB: two 1 MiB chunks reach the registry, the third does not.
  class FailingReader : public Reader {
   public:
    FailingReader(PatternBlob& inner, uint64_t limit) : inner_(inner), limit_(limit) {}
    Result<size_t> Read(char* buf, size_t n) override {
      if (seen_ >= limit_) return IOError("disk went away");
      HOIST_TRY_ASSIGN(size_t got, inner_.Read(buf, std::min<uint64_t>(n, limit_ - seen_)));
      seen_ += got;
      return got;
    }

   private:
    PatternBlob& inner_;
    uint64_t limit_;
    uint64_t seen_ = 0;
  };
  PatternBlob pattern(size, seed);
  FailingReader failing(pattern, 2 * kMiB + kMiB / 2);
  std::string saved;
  Status failed = repo.PutBlobChunked(
      failing, digest, size,
      {.chunk_size = kMiB, .on_progress = [&](const UploadSession& s) { saved = EncodeUploadSession(s); }});
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().ToString().find("disk went away") != std::string::npos);

  registry->Restart();

  // The third chunk failed while being read, before it was sent: the session saved after the
  // second chunk is still current, and survives the restart (the harness fixes http.secret).
  Result<UploadSession> resumed = repo.ResumeUpload(DecodeUploadSession(saved).value());
  INFO(Describe(resumed));
  REQUIRE(resumed.ok());
  CHECK(resumed->offset == 2 * kMiB);
  PatternBlob rest(size, seed);
  rest.Seek(resumed->offset);
  Status done = repo.ContinueUpload(*resumed, rest, digest, size, {.chunk_size = kMiB});
  INFO(Describe(done));
  REQUIRE(done.ok());
  ExpectBlob(repo, size, seed);
}

TEST_CASE("a fresh upload session resumes at offset 0 although the registry reports 0-0") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "upload/fresh");
  Result<UploadSession> session = repo.StartUpload();
  REQUIRE(session.ok());
  Result<UploadSession> resumed = repo.ResumeUpload(*session);
  REQUIRE(resumed.ok());
  CHECK(resumed->offset == 0);

  // One byte really is one byte.
  PatternBlob content(1, 60);
  REQUIRE(repo.UploadChunk(*resumed, content, 1).ok());
  Result<UploadSession> after = repo.ResumeUpload(*resumed);
  REQUIRE(after.ok());
  CHECK(after->offset == 1);
  REQUIRE(repo.FinishUpload(*after, PatternBlob::DigestOf(1, 60)).ok());
  ExpectBlob(repo, 1, 60);
}

TEST_CASE("a chunk sent at the wrong offset is caught from the registry's Range") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "upload/offset");
  Result<UploadSession> session = repo.StartUpload();
  REQUIRE(session.ok());
  session->offset = 100;  // we believe the registry has 100 bytes; it has none
  PatternBlob content(1000, 70);
  Status s = repo.UploadChunk(*session, content, 1000);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::kConflict);
}

TEST_CASE("a cancelled upload cannot be resumed") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "upload/cancel");
  Result<UploadSession> session = repo.StartUpload();
  REQUIRE(session.ok());
  PatternBlob content(1000, 80);
  REQUIRE(repo.UploadChunk(*session, content, 1000).ok());
  REQUIRE(repo.CancelUpload(*session).ok());
  Result<UploadSession> resumed = repo.ResumeUpload(*session);
  REQUIRE_FALSE(resumed.ok());
  CHECK(resumed.error().code() == ErrorCode::kNotFound);
}

TEST_CASE("a download resumes from a caller's offset with the bytes it already holds") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "download/resume");
  const uint64_t size = 3 * kMiB + 5, seed = 90;
  PushMonolithic(repo, size, seed);
  const Digest digest = PatternBlob::DigestOf(size, seed);

  // The caller holds the first 1 MiB + 1 bytes from an earlier run.
  const uint64_t held = kMiB + 1;
  PatternCheckingSink sink(size, seed);
  std::string first(held, '\0');
  PatternBlob source(size, seed);
  REQUIRE(ReadFull(source, first.data(), held).ok());
  REQUIRE(sink.Write(first).ok());
  StringReader prefix(first);
  Status s = repo.GetBlob(digest, sink,
                          {.offset = held, .prefix = &prefix, .expected_size = static_cast<int64_t>(size)});
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(sink.exact());

  // A prefix that is not the blob's start fails the digest check.
  std::string wrong = first;
  wrong[0] = static_cast<char>(wrong[0] ^ 1);
  StringReader bad_prefix(wrong);
  PatternCheckingSink sink2(size, seed);
  Status bad = repo.GetBlob(digest, sink2, {.offset = held, .prefix = &bad_prefix});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == ErrorCode::kDigestMismatch);
}

TEST_CASE("a blob mounts from another repository, and an unknown source falls back to an upload") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository source = OpenRepo(*registry, http, "mount/source");
  Repository target = OpenRepo(*registry, http, "mount/target");
  const uint64_t size = 100 * 1024, seed = 100;
  const Digest digest = PatternBlob::DigestOf(size, seed);
  PushMonolithic(source, size, seed);

  Result<MountResult> mounted = target.MountBlob(digest, "mount/source");
  INFO(Describe(mounted));
  REQUIRE(mounted.ok());
  CHECK(mounted->mounted);
  CHECK_FALSE(mounted->session.has_value());
  ExpectBlob(target, size, seed);

  Repository other = OpenRepo(*registry, http, "mount/other");
  Result<MountResult> fallback = other.MountBlob(digest, "mount/nowhere");
  INFO(Describe(fallback));
  REQUIRE(fallback.ok());
  CHECK_FALSE(fallback->mounted);
  REQUIRE(fallback->session.has_value());
  PatternBlob content(size, seed);
  Status done = other.ContinueUpload(*fallback->session, content, digest, size);
  INFO(Describe(done));
  REQUIRE(done.ok());
  ExpectBlob(other, size, seed);
}

TEST_CASE("a blob pushed with the wrong digest is refused and leaves nothing behind") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "upload/wrong");
  PatternBlob content(1000, 110);
  Digest claimed = Digest::Of("not these bytes");
  Status s = repo.PutBlob(content, claimed, 1000);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::kDigestMismatch);
  REQUIRE(s.error().registry().has_value());
  CHECK(s.error().registry()->diagnostics.at(0).code == "DIGEST_INVALID");
  Result<std::optional<BlobInfo>> head = repo.HeadBlob(claimed);
  REQUIRE(head.ok());
  CHECK_FALSE(head->has_value());
}
