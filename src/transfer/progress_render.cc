#include "transfer/progress_render.h"

#include <cmath>
#include <cstdio>

namespace hoist::transfer {

std::string ProgressBar(uint64_t done, int64_t total) {
  std::string bar = "[";
  int filled = 0;
  if (total > 0) {
    double part = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
    filled = static_cast<int>(part * kProgressBarWidth);
  }
  if (filled >= kProgressBarWidth) {
    bar.append(kProgressBarWidth, '=');
  } else {
    if (filled > 0) bar.append(static_cast<size_t>(filled), '=');
    bar += '>';
    bar.append(static_cast<size_t>(kProgressBarWidth - filled - 1), ' ');
  }
  return bar + "]";
}

std::string ShortDuration(double seconds) {
  if (!(seconds >= 0)) seconds = 0;
  const auto s = static_cast<uint64_t>(std::llround(seconds));
  char buf[48];
  if (s < 60) std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60),
                                   static_cast<unsigned long long>(s % 60));
  else std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                     static_cast<unsigned long long>(s % 3600 / 60));
  return buf;
}

ProgressLabels PullLabels() { return {}; }
ProgressLabels PushLabels() { return {"Pushing", "Pushed", "Layer already exists", "Mounted from another repository"}; }
ProgressLabels CopyLabels() { return {"Copying", "Copied", "Already exists", "Mounted from another repository"}; }

std::string BlobLine(const std::string& short_digest, const ProgressLabels& labels, uint64_t done, int64_t size) {
  std::string line = short_digest + ": " + labels.active + " " + ProgressBar(done, size) + "  " + HumanSize(done);
  if (size > 0) line += "/" + HumanSize(static_cast<uint64_t>(size));
  return line;
}

std::string TotalLine(size_t blobs_done, size_t blobs, uint64_t bytes_done, uint64_t bytes_total,
                      double bytes_per_second) {
  std::string line = "Total: " + std::to_string(blobs_done) + "/" + std::to_string(blobs) + " blobs  " +
                     HumanSize(bytes_done) + "/" + HumanSize(bytes_total);
  if (bytes_per_second >= 1 && bytes_done < bytes_total) {
    line += "  " + HumanSize(static_cast<uint64_t>(bytes_per_second)) + "/s";
    line += "  ETA " + ShortDuration(static_cast<double>(bytes_total - bytes_done) / bytes_per_second);
  }
  return line;
}

}  // namespace hoist::transfer
