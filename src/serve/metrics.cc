#include "serve/metrics.h"

#include <cstdio>

namespace hoist::serve {

namespace {
// Only the methods the API knows get their own label: a client's made-up method is "other".
std::string MethodLabel(const std::string& m) {
  for (const char* known : {"GET", "HEAD", "PUT", "POST", "PATCH", "DELETE"}) {
    if (m == known) return m;
  }
  return "other";
}
std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
}  // namespace

void Metrics::Record(const std::string& method, int status, uint64_t bytes_in, uint64_t bytes_out, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{MethodLabel(method), status}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++bucket_counts_[i];
  }
  ++count_;
  seconds_sum_ += seconds;
  bytes_in_ += bytes_in;
  bytes_out_ += bytes_out;
}

std::string Metrics::Render(size_t uploads_open) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  out += "# HELP hoist_serve_requests_total Requests answered, by method and status code.\n";
  out += "# TYPE hoist_serve_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out += "hoist_serve_requests_total{method=\"" + key.first + "\",code=\"" + std::to_string(key.second) + "\"} " +
           std::to_string(n) + "\n";
  }
  out += "# HELP hoist_serve_request_duration_seconds Time from a request's headers to its answer queued.\n";
  out += "# TYPE hoist_serve_request_duration_seconds histogram\n";
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    out += "hoist_serve_request_duration_seconds_bucket{le=\"" + Number(kBuckets[i]) + "\"} " +
           std::to_string(bucket_counts_[i]) + "\n";
  }
  out += "hoist_serve_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(count_) + "\n";
  out += "hoist_serve_request_duration_seconds_sum " + Number(seconds_sum_) + "\n";
  out += "hoist_serve_request_duration_seconds_count " + std::to_string(count_) + "\n";
  out += "# HELP hoist_serve_received_bytes_total Request body bytes received.\n";
  out += "# TYPE hoist_serve_received_bytes_total counter\n";
  out += "hoist_serve_received_bytes_total " + std::to_string(bytes_in_) + "\n";
  out += "# HELP hoist_serve_sent_bytes_total Response body bytes queued.\n";
  out += "# TYPE hoist_serve_sent_bytes_total counter\n";
  out += "hoist_serve_sent_bytes_total " + std::to_string(bytes_out_) + "\n";
  out += "# HELP hoist_serve_uploads_in_flight Upload sessions open (resumable).\n";
  out += "# TYPE hoist_serve_uploads_in_flight gauge\n";
  out += "hoist_serve_uploads_in_flight " + std::to_string(uploads_open) + "\n";
  return out;
}

}  // namespace hoist::serve
