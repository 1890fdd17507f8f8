#pragma once
// /metrics in the Prometheus text format: requests by method and status, bytes in and out, a
// latency histogram and the upload sessions open.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace hoist::serve {

class Metrics {
 public:
  void Record(const std::string& method, int status, uint64_t bytes_in, uint64_t bytes_out, double seconds);
  // `uploads_open`: sampled when scraped.
  std::string Render(size_t uploads_open) const;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30};
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::array<uint64_t, kBuckets.size()> bucket_counts_{};
  uint64_t count_ = 0;
  double seconds_sum_ = 0;
  uint64_t bytes_in_ = 0;
  uint64_t bytes_out_ = 0;
};

}  // namespace hoist::serve
