#include "transfer/blob_pipe.h"

#include <random>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "core/io.h"
#include "transfer/read_ahead.h"

using namespace hoist;
using namespace hoist::transfer;

namespace {

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 977) & 0xff);
  return s;
}

// Reads everything with read sizes from 1 byte to 200 KiB.
Result<std::string> Drain(BlobPipe& pipe, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out, buf(200 * 1024, '\0');
  for (;;) {
    size_t want = 1 + rng() % buf.size();
    HOIST_TRY_ASSIGN(size_t k, pipe.Read(buf.data(), want));
    if (k == 0) return out;
    out.append(buf.data(), k);
  }
}

}  // namespace

TEST_CASE("BlobPipe hands over every byte in order, whatever the piece sizes on either side") {
  for (size_t capacity : {size_t{1}, size_t{1000}, size_t{64 * 1024}, size_t{256 * 1024}}) {
    // A tiny pipe hands over a byte at a time: keep its data small.
    const std::string data = Pattern(capacity < 1000 ? 20000 : 3 * 1024 * 1024 + 7);
    BlobPipe pipe(capacity);
    std::thread producer([&] {
      std::mt19937 rng(static_cast<unsigned>(capacity));
      size_t pos = 0;
      while (pos < data.size()) {
        size_t n = std::min(data.size() - pos, size_t{1} + rng() % (capacity < 1000 ? 300 : 100 * 1024));
        if (!pipe.Write(data.data() + pos, n).ok()) break;
        pos += n;
      }
      pipe.Close(Ok());
    });
    auto got = Drain(pipe, 7);
    producer.join();
    INFO("capacity " << capacity);
    REQUIRE(got.ok());
    CHECK(*got == data);
    CHECK(pipe.consumed() == data.size());
  }
}

TEST_CASE("BlobPipe: the producer's error reaches the reader after the bytes before it") {
  BlobPipe pipe(1024);
  std::thread producer([&] {
    (void)pipe.Write("abc", 3);
    pipe.Close(Error(ErrorCode::kNetwork, "connection reset"));
  });
  char buf[16];
  auto first = pipe.Read(buf, sizeof buf);
  REQUIRE(first.ok());
  CHECK(std::string(buf, *first) == "abc");
  auto second = pipe.Read(buf, sizeof buf);
  producer.join();
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().message() == "connection reset");
}

TEST_CASE("BlobPipe: a reader that goes away stops a blocked producer") {
  BlobPipe pipe(1024);
  Status st = Ok();
  std::thread producer([&] {
    std::string big(1 << 20, 'x');
    st = pipe.Write(big.data(), big.size());  // blocks: nobody reads
  });
  pipe.Abandon();
  producer.join();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kCancelled);
}

TEST_CASE("ReadAhead yields the inner reader's bytes and its error") {
  const std::string data = Pattern(5 * 1024 * 1024 + 3);
  StringReader inner(data);
  auto ahead = ReadAhead(inner, 64 * 1024);
  auto all = ReadAll(*ahead, data.size() + 1);
  REQUIRE(all.ok());
  CHECK(*all == data);

  class Failing : public Reader {
   public:
    Result<size_t> Read(char* buf, size_t n) override {
      if (sent_) return Error(ErrorCode::kParse, "gzip: corrupt compressed data (invalid block)");
      sent_ = true;
      std::fill(buf, buf + std::min<size_t>(n, 10), 'y');
      return std::min<size_t>(n, 10);
    }

   private:
    bool sent_ = false;
  } failing;
  auto ahead2 = ReadAhead(failing);
  auto bad = ReadAll(*ahead2, 1 << 20);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message(), Catch::Contains("invalid block"));
}
