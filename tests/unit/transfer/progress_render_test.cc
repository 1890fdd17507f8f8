// The text of docker-style progress lines: SI sizes, the bar, durations, blob and total lines.

#include <catch2/catch.hpp>

#include "transfer/progress_render.h"

using namespace hoist;
using namespace hoist::transfer;

TEST_CASE("progress sizes are SI with three significant digits, as docker's") {
  CHECK(HumanSize(0) == "0B");
  CHECK(HumanSize(512) == "512B");
  CHECK(HumanSize(7500) == "7.5kB");
  CHECK(HumanSize(62'900'000) == "62.9MB");
  CHECK(HumanSize(120'000'000) == "120MB");
  CHECK(HumanSize(1'010'000'000) == "1.01GB");
  CHECK(HumanSize(999'700) == "1MB");  // not "1e+03kB"
  CHECK(HumanSize(999'400) == "999kB");
}

TEST_CASE("the progress bar fills 50 columns in proportion, with an arrow head until complete") {
  CHECK(ProgressBar(0, 100) == "[>" + std::string(49, ' ') + "]");
  CHECK(ProgressBar(50, 100) == "[" + std::string(25, '=') + ">" + std::string(24, ' ') + "]");
  CHECK(ProgressBar(100, 100) == "[" + std::string(50, '=') + "]");
  CHECK(ProgressBar(200, 100) == "[" + std::string(50, '=') + "]");
  CHECK(ProgressBar(5, 0) == "[>" + std::string(49, ' ') + "]");
}

TEST_CASE("durations read as seconds, minutes and hours") {
  CHECK(ShortDuration(0) == "0s");
  CHECK(ShortDuration(14.4) == "14s");
  CHECK(ShortDuration(185) == "3m05s");
  CHECK(ShortDuration(3720) == "1h02m");
}

TEST_CASE("a blob line names the short digest, the phase, the bar and done/total") {
  CHECK(BlobLine("a1b2c3d4e5f6", PullLabels(), 42'100'000, 120'000'000) ==
        "a1b2c3d4e5f6: Downloading " + ProgressBar(42'100'000, 120'000'000) + "  42.1MB/120MB");
  CHECK_THAT(BlobLine("a1b2c3d4e5f6", PushLabels(), 1, 2), Catch::StartsWith("a1b2c3d4e5f6: Pushing ["));
}

TEST_CASE("the total line has rate and ETA while bytes move, and neither once done") {
  CHECK(TotalLine(3, 5, 84'200'000, 250'000'000, 12'300'000) == "Total: 3/5 blobs  84.2MB/250MB  12.3MB/s  ETA 13s");
  CHECK(TotalLine(5, 5, 250'000'000, 250'000'000, 12'300'000) == "Total: 5/5 blobs  250MB/250MB");
  CHECK(TotalLine(0, 5, 0, 250'000'000, 0) == "Total: 0/5 blobs  0B/250MB");
}
