// A large blob's chunked upload against a scripted registry that cuts request bodies part way:
// while the session lives the upload goes on from the registry's Range (keeping what it holds);
// a session refused after a cut (as Distribution does) is replaced and the blob sent again from
// the source; a blob that turns out to be there is not sent again; cuts without end give up.

#include "transfer/chunked_upload.h"

#include <map>
#include <mutex>
#include <string>

#include <catch2/catch.hpp>

#include "registry/retry.h"

using namespace hoist;
using namespace hoist::registry;

namespace {

constexpr char kBase[] = "http://fake";

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return s;
}

// Uploads into /v2/r: POST opens one, PATCH appends, GET tells its Range, PUT ?digest= closes it.
// `cuts` names request bodies (numbered from 0 over PATCH and PUT) to break after so many bytes.
class FakeRegistry : public HttpClient {
 public:
  std::map<int, uint64_t> cuts;
  bool refuse_after_cut = true;  // Distribution: the session's saved state no longer matches
  std::string blob;              // what the closing PUT stored
  int posts = 0, bodies = 0, status_gets = 0, heads = 0;
  uint64_t body_bytes = 0;

  Result<Response> Do(Request& req) override {
    std::lock_guard lock(mu_);
    Response resp;
    const std::string path = req.url.substr(sizeof(kBase) - 1);
    if (req.method == "HEAD") {
      ++heads;
      resp.status = blob.empty() ? 404 : 200;
      if (!blob.empty()) resp.headers.Add("Content-Length", std::to_string(blob.size()));
      return resp;
    }
    if (req.method == "POST") {
      ++posts;
      id_ = "u" + std::to_string(posts);
      data_.clear();
      refused_ = false;
      return Accepted(202);
    }
    if (path.rfind("/v2/r/blobs/uploads/" + id_, 0) != 0 || refused_) {
      resp.status = 404;
      resp.body = R"({"errors":[{"code":"BLOB_UPLOAD_INVALID","message":"upload resumed at wrong offset"}]})";
      return resp;
    }
    if (req.method == "GET") {
      ++status_gets;
      return Accepted(204);
    }
    if (req.method == "DELETE") {
      resp.status = 204;
      return resp;
    }
    if (req.body != nullptr) {  // PATCH, or PUT with the last chunk
      const int n = bodies++;
      const uint64_t limit = cuts.count(n) ? cuts[n] : static_cast<uint64_t>(req.body_size);
      std::string got(static_cast<size_t>(limit), '\0');
      Status read = ReadFull(*req.body, got.data(), got.size());
      if (!read.ok()) return std::move(read).error();
      body_bytes += got.size();
      data_ += got;
      if (limit < static_cast<uint64_t>(req.body_size)) {
        refused_ = refuse_after_cut;
        return Error(ErrorCode::kNetwork, "Recv failure: Connection reset by peer");
      }
    }
    if (req.method == "PATCH") return Accepted(202);
    // PUT ?digest=
    if (!(Digest::Of(data_) == Digest::Of(want_))) {
      resp.status = 400;
      resp.body = R"({"errors":[{"code":"DIGEST_INVALID","message":"digest did not match"}]})";
      return resp;
    }
    blob = data_;
    resp.status = 201;
    resp.headers.Add("Docker-Content-Digest", Digest::Of(blob).str());
    return resp;
  }

  void Want(const std::string& content) { want_ = content; }

 private:
  Response Accepted(int status) {
    Response resp;
    resp.status = status;
    resp.headers.Add("Location", std::string(kBase) + "/v2/r/blobs/uploads/" + id_ + "?_state=" +
                                     std::to_string(++state_));
    resp.headers.Add("Range", "0-" + std::to_string(data_.empty() ? 0 : data_.size() - 1));
    return resp;
  }

  std::mutex mu_;
  std::string id_, data_, want_;
  bool refused_ = false;
  int state_ = 0;
};

struct Upload {
  explicit Upload(size_t size) : content(Pattern(size)) {
    fake.Want(content);
    RetryPolicy policy;
    policy.max_tries = 3;
    retry = std::make_shared<RetryingClient>(fake, policy, [](std::chrono::milliseconds) {});
  }

  Status Run(uint64_t chunk) {
    auto repo = Repository::Open(retry, kBase, "r");
    REQUIRE(repo.ok());
    auto session = repo->StartUpload();
    REQUIRE(session.ok());
    const Descriptor blob = Descriptor::For("application/vnd.oci.image.layer.v1.tar", content);
    transfer::ImageDestination::BlobOpener open = [this](uint64_t offset) -> Result<std::unique_ptr<Reader>> {
      ++opens;
      return std::unique_ptr<Reader>(new StringReader(content.substr(offset)));
    };
    return transfer::UploadInChunks(*repo, open, blob, *session,
                                    {.chunk_size = chunk, .first_backoff = std::chrono::milliseconds(1)});
  }

  std::string content;
  FakeRegistry fake;
  std::shared_ptr<RetryingClient> retry;
  int opens = 0;
};

}  // namespace

TEST_CASE("a chunked upload cut mid-PATCH goes on from the registry's Range while the session lives") {
  Upload up(10000);
  up.fake.refuse_after_cut = false;  // a registry that keeps the part it got and the session
  up.fake.cuts = {{1, 1234}};        // the second PATCH breaks 1234 bytes in
  Status s = up.Run(4000);
  INFO((s.ok() ? std::string() : s.error().ToString()));
  REQUIRE(s.ok());
  CHECK(up.fake.blob == up.content);
  CHECK(up.fake.posts == 1);
  CHECK(up.fake.status_gets == 1);
  CHECK(up.fake.body_bytes == 10000);  // nothing sent twice
}

TEST_CASE("a chunked upload whose session is refused after a cut body starts a new one from the source's start") {
  Upload up(10000);
  up.fake.cuts = {{1, 1234}};
  Status s = up.Run(4000);
  INFO((s.ok() ? std::string() : s.error().ToString()));
  REQUIRE(s.ok());
  CHECK(up.fake.blob == up.content);
  CHECK(up.fake.posts == 2);
  CHECK(up.fake.body_bytes == 4000 + 1234 + 10000);  // at most what that blob had sent is lost
}

TEST_CASE("a chunked upload whose closing PUT is cut mid-body sends the blob again in a new session") {
  Upload up(10000);
  up.fake.cuts = {{2, 500}};  // 4000 + 4000, then the PUT with the last 2000
  Status s = up.Run(4000);
  INFO((s.ok() ? std::string() : s.error().ToString()));
  REQUIRE(s.ok());
  CHECK(up.fake.blob == up.content);
  CHECK(up.fake.posts == 2);
  CHECK(up.opens == 2);
}

TEST_CASE("a chunked upload cut again and again gives up after kMaxUploadRecoveries recoveries in a row") {
  Upload up(10000);
  for (int i = 0; i < 20; ++i) up.fake.cuts[i] = 100;
  Status s = up.Run(4000);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().ToString().find("gave up after " + std::to_string(transfer::kMaxUploadRecoveries)) !=
        std::string::npos);
  CHECK(up.fake.posts == 1 + transfer::kMaxUploadRecoveries);
  CHECK(up.fake.blob.empty());
}
