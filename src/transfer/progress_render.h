#pragma once
// The text of progress lines, as docker pull/push draws them, kept apart from the reporter's
// threads and terminal handling so each piece can be tested alone:
//   a1b2c3d4e5f6: Downloading [=====>                                            ]  42.1MB/120MB
//   Total: 3/5 blobs  84.2MB/250MB  12.3MB/s  ETA 13s

#include <cstdint>
#include <string>

#include "core/human_size.h"

namespace hoist::transfer {


// The bar's width inside the brackets, as docker's (jsonmessage's 50 columns).
inline constexpr int kProgressBarWidth = 50;

// "[=====>     ]" for done of total (total <= 0: an empty bar).
std::string ProgressBar(uint64_t done, int64_t total);

// "14s", "3m05s", "1h02m"; for ETA and durations.
std::string ShortDuration(double seconds);

// What the reporter says about one blob, by phase.
struct ProgressLabels {
  const char* active = "Downloading";       // moving bytes
  const char* done = "Pull complete";       // copied
  const char* present = "Already exists";   // the destination had it
  const char* mounted = "Mounted from another repository";
};
ProgressLabels PullLabels();
ProgressLabels PushLabels();  // Pushing, Pushed, Layer already exists, Mounted from another repository
ProgressLabels CopyLabels();  // Copying, Copied, Already exists, Mounted from another repository

// "a1b2c3d4e5f6: Downloading [====>    ]  42.1MB/120MB"
std::string BlobLine(const std::string& short_digest, const ProgressLabels& labels, uint64_t done, int64_t size);

// "Total: 3/5 blobs  84.2MB/250MB  12.3MB/s  ETA 13s" (no rate or ETA until bytes have moved;
// none once done).
std::string TotalLine(size_t blobs_done, size_t blobs, uint64_t bytes_done, uint64_t bytes_total,
                      double bytes_per_second);

}  // namespace hoist::transfer
