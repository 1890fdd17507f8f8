// The fast gzip writer (ISA-L): standard gzip that zlib and gzip(1) read, the same bytes every time.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <random>

#include "core/compression.h"
#include "support/temp_dir.h"

using namespace hoist;

namespace {

std::string FastGzip(const std::string& data, size_t piece) {
  StringWriter out;
  CompressOptions options;
  options.fast = true;
  auto w = NewCompressingWriter(out, Compression::kGzip, options);
  REQUIRE(w.ok());
  for (size_t i = 0; i < data.size(); i += piece) REQUIRE((*w)->Write(data.substr(i, piece)).ok());
  REQUIRE((*w)->Close().ok());
  return out.Take();
}

std::string Gunzip(const std::string& gz) {
  StringReader in(gz);
  auto r = Decompress(in, Compression::kGzip);
  auto all = ReadAll(*r, UINT64_MAX);
  REQUIRE(all.ok());
  return *all;
}

std::string Mixed(size_t n) {
  // Half text that compresses, half random bytes that do not.
  std::mt19937 rng(7);
  std::string s;
  while (s.size() < n / 2) s += "usr/lib/x86_64-linux-gnu/libexample.so.1 ";
  while (s.size() < n) s.push_back(static_cast<char>(rng()));
  return s;
}

}  // namespace

TEST_CASE("fast gzip round-trips through zlib, in any write pattern") {
  for (size_t n : {size_t{0}, size_t{1}, size_t{5000}, size_t{3} << 20}) {
    std::string data = Mixed(n);
    std::string one = FastGzip(data, data.size() + 1);
    CHECK(DetectCompression(one) == Compression::kGzip);
    CHECK(Gunzip(one) == data);
    CHECK(FastGzip(data, 777) == one);  // streaming does not change the bytes
  }
  std::string text(1 << 20, 'a');
  CHECK(FastGzip(text, 4096).size() < 20000);  // it really compresses
}

TEST_CASE("fast gzip output is read by gzip(1)") {
  hoist::testing::TempDir dir;
  std::string data = Mixed(1 << 20);
  std::string path = dir.path() + "/x.gz";
  {
    std::ofstream f(path, std::ios::binary);
    f << FastGzip(data, 65536);
  }
  std::string cmd = "gzip -dc " + path + " | cmp -s - " + path + ".plain";
  {
    std::ofstream f(path + ".plain", std::ios::binary);
    f << data;
  }
  CHECK(std::system(cmd.c_str()) == 0);
}

TEST_CASE("fast gzip refuses a level and writes after close") {
  StringWriter out;
  CompressOptions options;
  options.fast = true;
  options.level = 5;
  CHECK_FALSE(NewCompressingWriter(out, Compression::kGzip, options).ok());
  options.level.reset();
  auto w = NewCompressingWriter(out, Compression::kGzip, options);
  REQUIRE(w.ok());
  REQUIRE((*w)->Close().ok());
  CHECK_FALSE((*w)->Write(std::string("late")).ok());
}
