#include "core/io.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace hoist;

TEST_CASE("ReadAll refuses input beyond its limit") {
  StringReader r(std::string(100, 'x'));
  auto all = ReadAll(r, 99);
  REQUIRE_FALSE(all.ok());
  CHECK(all.error().code() == ErrorCode::kTooLarge);
  StringReader r2(std::string(100, 'x'));
  CHECK(ReadAll(r2, 100).value().size() == 100);
}

TEST_CASE("DigestingReader verifies digest and size") {
  StringReader r("hello");
  DigestingReader d(r);
  StringWriter w;
  REQUIRE(Copy(d, w).value() == 5);
  CHECK(d.Verify(Digest::Of("hello"), 5).ok());

  StringReader r2("hellO");
  DigestingReader d2(r2);
  StringWriter w2;
  REQUIRE(Copy(d2, w2).ok());
  auto st = d2.Verify(Digest::Of("hello"), 5);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kDigestMismatch);

  StringReader r3("hello");
  DigestingReader d3(r3);
  REQUIRE(Copy(d3, w2).ok());
  auto st3 = d3.Verify(Digest::Of("hello"), 6);
  REQUIRE_FALSE(st3.ok());
  CHECK_THAT(st3.error().message(), Catch::Contains("size mismatch"));
}

TEST_CASE("LimitedReader passes exactly the limit and fails beyond it") {
  StringReader r("12345");
  LimitedReader l(r, 5);
  CHECK(ReadAll(l, 100).value() == "12345");
  StringReader r2("123456");
  LimitedReader l2(r2, 5, "manifest");
  auto all = ReadAll(l2, 100);
  REQUIRE_FALSE(all.ok());
  CHECK_THAT(all.error().message(), Catch::Contains("manifest exceeds"));
}

TEST_CASE("ReadFull reports a short stream") {
  StringReader r("abc");
  char buf[4];
  auto st = ReadFull(r, buf, 4);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message(), Catch::Contains("unexpected end of stream"));
}

TEST_CASE("errors carry context outermost first") {
  Error e = NotFound("manifest unknown");
  e.WithContext("tag latest").WithContext("pull localhost:5000/x");
  CHECK(e.ToString() == "pull localhost:5000/x: tag latest: manifest unknown");
  CHECK_FALSE(e.retryable());
  CHECK(Error(ErrorCode::kServerError, "503").retryable());
}

TEST_CASE("LimitedReader with the largest limit passes everything") {
  StringReader r("abc");
  LimitedReader l(r, UINT64_MAX);
  CHECK(ReadAll(l, 100).value() == "abc");
}

namespace {

// Records the size of every write it receives; fails the write numbered `fail_at` (from 0).
class RecordingWriter : public Writer {
 public:
  using Writer::Write;
  Status Write(const char* data, size_t n) override {
    if (static_cast<int>(sizes.size()) == fail_at) {
      sizes.push_back(0);
      return IOError("disk full");
    }
    sizes.push_back(n);
    bytes.append(data, n);
    return Ok();
  }
  std::vector<size_t> sizes;
  std::string bytes;
  int fail_at = -1;
};

}  // namespace

TEST_CASE("BufferedWriter gathers small writes into whole buffers and Flush passes on the rest") {
  RecordingWriter out;
  BufferedWriter w(out, 100);
  std::string expect;
  for (int i = 0; i < 25; ++i) {  // 25 writes of 9 bytes: 225 bytes
    const std::string piece(9, static_cast<char>('a' + i));
    REQUIRE(w.Write(piece).ok());
    expect += piece;
  }
  CHECK(out.sizes == std::vector<size_t>{100, 100});
  REQUIRE(w.Flush().ok());
  CHECK(out.sizes == std::vector<size_t>{100, 100, 25});
  CHECK(out.bytes == expect);
  REQUIRE(w.Flush().ok());  // nothing waits: no empty write
  CHECK(out.sizes.size() == 3);
}

TEST_CASE("BufferedWriter passes a large write straight through when nothing waits") {
  RecordingWriter out;
  BufferedWriter w(out, 100);
  const std::string big(250, 'x');
  REQUIRE(w.Write(big).ok());
  CHECK(out.sizes == std::vector<size_t>{250});
  REQUIRE(w.Write("abc").ok());
  REQUIRE(w.Write(big).ok());  // 3 wait: the buffer is filled first, in order
  REQUIRE(w.Flush().ok());
  CHECK(out.bytes == big + "abc" + big);
  CHECK(out.sizes == std::vector<size_t>{250, 100, 153});  // the buffer filled, then the rest straight through
}

TEST_CASE("BufferedWriter reports a failed write and does not send those bytes again") {
  RecordingWriter out;
  out.fail_at = 0;
  BufferedWriter w(out, 10);
  REQUIRE(w.Write("abcd").ok());
  Status s = w.Write("efghijkl");  // fills the buffer, whose write fails
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.error().ToString(), Catch::Contains("disk full"));
  REQUIRE(w.Flush().ok());  // nothing waits: the failed 10 bytes are not sent again
  CHECK(out.sizes == std::vector<size_t>{0});
  CHECK(out.bytes.empty());
}
