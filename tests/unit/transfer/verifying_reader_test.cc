#include <catch2/catch.hpp>

#include "transfer/blob_pipe.h"
#include "transfer/verifying_reader.h"

#include <thread>

using namespace hoist;
using namespace hoist::transfer;

namespace {
Descriptor For(const std::string& content) { return Descriptor::For("application/octet-stream", content); }
}  // namespace

TEST_CASE("a verifying reader passes the right bytes") {
  std::string data(100000, 'x');
  StringReader in(data);
  VerifyingReader v(in, For(data));
  auto all = ReadAll(v, 1 << 20);
  REQUIRE(all.ok());
  CHECK(*all == data);
}

TEST_CASE("a verifying reader fails before handing over the last byte of a wrong blob") {
  std::string data = "hello world";
  std::string corrupt = "hellO world";
  StringReader in(corrupt);
  VerifyingReader v(in, For(data));
  char buf[64];
  auto r = v.Read(buf, sizeof buf);  // the whole blob in one read: the check happens now
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kDigestMismatch);
}

TEST_CASE("a verifying reader refuses a blob longer or shorter than its size") {
  std::string data = "abc";
  StringReader longer(std::string("abcd"));
  VerifyingReader v1(longer, For(data));
  CHECK_FALSE(ReadAll(v1, 100).ok());
  StringReader shorter(std::string("ab"));
  VerifyingReader v2(shorter, For(data));
  auto r = ReadAll(v2, 100);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kDigestMismatch);
}

TEST_CASE("a resumed stream checks only the size of the rest") {
  std::string data = "0123456789";
  StringReader rest(std::string("56789"));
  VerifyingReader v(rest, For(data), 5);
  auto r = ReadAll(v, 100);
  REQUIRE(r.ok());
  CHECK(*r == "56789");
}

TEST_CASE("the blob pipe carries bytes and the producer's error") {
  BlobPipe pipe(1024);
  std::string data(100000, 'z');
  std::thread producer([&] {
    for (size_t i = 0; i < data.size(); i += 777) {
      REQUIRE(pipe.Write(data.data() + i, std::min<size_t>(777, data.size() - i)).ok());
    }
    pipe.Close(Ok());
  });
  std::string got;
  char buf[500];
  for (;;) {
    auto n = pipe.Read(buf, sizeof buf);
    REQUIRE(n.ok());
    if (*n == 0) break;
    got.append(buf, *n);
  }
  producer.join();
  CHECK(got == data);

  BlobPipe failing(16);
  failing.Close(Status(IOError("connection reset")));
  char b[4];
  auto r = failing.Read(b, 4);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message() == "connection reset");
}

TEST_CASE("an abandoned pipe stops its producer") {
  BlobPipe pipe(8);
  pipe.Abandon();
  CHECK_FALSE(pipe.Write("0123456789abcdef", 16).ok());
}
