// GetBlob's own logic against a scripted server: resuming by Range after a broken connection,
// starting over when a registry ignores Range, and checking digest and size itself.

#include <catch2/catch.hpp>

#include "registry/client/repository.h"

using namespace hoist;
using namespace hoist::registry;

namespace {

class BlobServer : public HttpClient {
 public:
  explicit BlobServer(std::string blob) : blob(std::move(blob)) {}

  std::string blob;
  bool ignore_range = false;
  int breaks_left = 0;          // this many responses break after `break_after` body bytes
  size_t break_after = 0;
  std::vector<std::string> ranges;  // Range header of each request ("" for none)
  int status_override = 0;

  Result<Response> Do(Request& req) override {
    std::string range = req.Header("Range").value_or("");
    ranges.push_back(range);
    Response resp;
    resp.method = req.method;
    resp.effective_url = req.url;
    size_t start = 0;
    if (!range.empty() && !ignore_range) {
      start = std::stoul(range.substr(6));  // "bytes=N-"
      if (start >= blob.size()) {
        resp.status = 416;
        return resp;
      }
      resp.status = 206;
      resp.headers.Add("Content-Range", "bytes " + std::to_string(start) + "-" +
                                            std::to_string(blob.size() - 1) + "/" +
                                            std::to_string(blob.size()));
    } else {
      resp.status = 200;
    }
    if (status_override != 0) {
      resp.status = status_override;
      resp.body = R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]})";
      return resp;
    }
    std::string_view body = std::string_view(blob).substr(start);
    if (breaks_left > 0 && break_after < body.size()) {
      --breaks_left;
      if (break_after > 0) HOIST_TRY(req.sink->Write(body.data(), break_after));
      return Error(ErrorCode::kNetwork, "connection reset by peer");
    }
    // In two pieces, as a network would deliver it.
    size_t half = body.size() / 2;
    HOIST_TRY(req.sink->Write(body.data(), half));
    HOIST_TRY(req.sink->Write(body.data() + half, body.size() - half));
    return resp;
  }
};

struct Fixture {
  explicit Fixture(std::string blob) : server(std::make_shared<BlobServer>(std::move(blob))) {}
  std::shared_ptr<BlobServer> server;
  Repository repo = Repository::Open(server, "http://127.0.0.1:5000", "test/app").value();
  Digest digest = Digest::Of(server->blob);
};

std::string Blob(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131) ^ (i >> 7));
  return s;
}

}  // namespace

TEST_CASE("GetBlob streams a blob and checks its digest") {
  Fixture f(Blob(10000));
  StringBlobSink sink;
  REQUIRE(f.repo.GetBlob(f.digest, sink, {.expected_size = 10000}).ok());
  CHECK(sink.str() == f.server->blob);
  CHECK(f.server->ranges == std::vector<std::string>{""});
}

TEST_CASE("GetBlob continues a broken download with a Range from the bytes it has") {
  Fixture f(Blob(10000));
  f.server->breaks_left = 2;
  f.server->break_after = 3000;
  StringBlobSink sink;
  Status s = f.repo.GetBlob(f.digest, sink);
  INFO((s.ok() ? "" : s.error().ToString()));
  REQUIRE(s.ok());
  CHECK(sink.str() == f.server->blob);
  CHECK(f.server->ranges == std::vector<std::string>{"", "bytes=3000-", "bytes=6000-"});
}

TEST_CASE("GetBlob gives up after max_resumes broken connections") {
  Fixture f(Blob(10000));
  f.server->breaks_left = 10;
  f.server->break_after = 100;
  StringBlobSink sink;
  Status s = f.repo.GetBlob(f.digest, sink, {.max_resumes = 2});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::kNetwork);
  CHECK(f.server->ranges.size() == 3);
  CHECK(s.error().ToString().find("get blob " + f.digest.str()) != std::string::npos);
}

TEST_CASE("GetBlob does not resume a failure that delivered no bytes") {
  Fixture f(Blob(1000));
  f.server->breaks_left = 1;
  f.server->break_after = 0;
  StringBlobSink sink;
  CHECK_FALSE(f.repo.GetBlob(f.digest, sink).ok());
  CHECK(f.server->ranges.size() == 1);
}

TEST_CASE("GetBlob starts over when the registry answers a Range with the whole blob") {
  Fixture f(Blob(10000));
  f.server->breaks_left = 1;
  f.server->break_after = 4000;
  f.server->ignore_range = true;
  SECTION("size unknown: the 200 completes, then the blob is fetched again") {
    StringBlobSink sink;
    REQUIRE(f.repo.GetBlob(f.digest, sink).ok());
    CHECK(sink.str() == f.server->blob);
    CHECK(f.server->ranges == std::vector<std::string>{"", "bytes=4000-", ""});
  }
  SECTION("size known: the overflow reveals the 200 early") {
    StringBlobSink sink;
    REQUIRE(f.repo.GetBlob(f.digest, sink, {.expected_size = 10000}).ok());
    CHECK(sink.str() == f.server->blob);
    CHECK(f.server->ranges == std::vector<std::string>{"", "bytes=4000-", ""});
  }
}

TEST_CASE("GetBlob into an append-only writer fails rather than corrupt it on a 200 to Range") {
  Fixture f(Blob(10000));
  f.server->breaks_left = 1;
  f.server->break_after = 4000;
  f.server->ignore_range = true;
  StringWriter out;
  AppendOnlySink sink(out);
  Status s = f.repo.GetBlob(f.digest, sink);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::kUnsupported);
}

TEST_CASE("GetBlob continues from a caller's offset and hashes the prefix it already holds") {
  Fixture f(Blob(10000));
  StringBlobSink sink;
  REQUIRE(sink.Write(f.server->blob.substr(0, 2500)).ok());
  StringReader prefix(f.server->blob.substr(0, 2500));
  REQUIRE(f.repo.GetBlob(f.digest, sink, {.offset = 2500, .prefix = &prefix}).ok());
  CHECK(sink.str() == f.server->blob);
  CHECK(f.server->ranges == std::vector<std::string>{"bytes=2500-"});
}

TEST_CASE("GetBlob with a complete prefix only verifies it") {
  Fixture f(Blob(100));
  StringBlobSink sink;
  StringReader prefix(f.server->blob);
  SECTION("size known: no request at all") {
    REQUIRE(f.repo.GetBlob(f.digest, sink, {.offset = 100, .prefix = &prefix, .expected_size = 100})
                .ok());
    CHECK(f.server->ranges.empty());
  }
  SECTION("size unknown: a 416 ends it") {
    REQUIRE(f.repo.GetBlob(f.digest, sink, {.offset = 100, .prefix = &prefix}).ok());
    CHECK(f.server->ranges == std::vector<std::string>{"bytes=100-"});
  }
}

TEST_CASE("GetBlob with an offset but no prefix is refused") {
  Fixture f(Blob(100));
  StringBlobSink sink;
  Status s = f.repo.GetBlob(f.digest, sink, {.offset = 10});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("GetBlob reports a digest mismatch when the bytes are not the digest's") {
  Fixture f(Blob(1000));
  StringBlobSink sink;
  Digest other = Digest::Of("something else");
  Status s = f.repo.GetBlob(other, sink);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::kDigestMismatch);
  CHECK(s.error().message().find(f.digest.str()) != std::string::npos);
}

TEST_CASE("GetBlob reports a size mismatch for too few or too many bytes") {
  Fixture f(Blob(1000));
  StringBlobSink sink;
  Status fewer = f.repo.GetBlob(f.digest, sink, {.expected_size = 1001});
  REQUIRE_FALSE(fewer.ok());
  CHECK(fewer.error().code() == ErrorCode::kDigestMismatch);
  StringBlobSink sink2;
  Status more = f.repo.GetBlob(f.digest, sink2, {.expected_size = 999});
  REQUIRE_FALSE(more.ok());
  CHECK(more.error().code() == ErrorCode::kDigestMismatch);
}

TEST_CASE("GetBlob turns a registry error into an Error with the registry's code and context") {
  Fixture f(Blob(10));
  f.server->status_override = 404;
  StringBlobSink sink;
  Status s = f.repo.GetBlob(f.digest, sink);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::kNotFound);
  REQUIRE(s.error().registry().has_value());
  CHECK(s.error().registry()->diagnostics.at(0).code == "BLOB_UNKNOWN");
  CHECK(s.error().context().at(0) == "get blob " + f.digest.str() + " from 127.0.0.1:5000/test/app");
}
