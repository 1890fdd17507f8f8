#pragma once
// What a copy tells the user while it runs. The engine reports events; a ProgressReporter draws
// them on the stream given (stderr), never mixing with a command's result on stdout:
//  - a terminal (kTty): docker pull/push's picture, redrawn in place at most kTtyRedrawHz times a
//    second: a line per blob in the order they started ("a1b2c3d4e5f6: Downloading [==>  ]
//    42.1MB/120MB", then "Pull complete" / "Already exists"), and a total line with rate and ETA;
//    the final state is printed once at End().
//  - otherwise (kPlain): a line per finished blob and the total line every few seconds.
//  - kJson: one object per event and line, for machines.
// Sizes are SI, as docker's (progress_render.h).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/descriptor.h"
#include "core/human_size.h"
#include "transfer/progress_render.h"

namespace hoist::transfer {

enum class ProgressMode { kAuto, kTty, kPlain, kJson, kNone };
enum class BlobOutcome { kCopied, kPresent, kMounted };

const char* BlobOutcomeName(BlobOutcome outcome);  // "copied", "exists", "mounted"

// Redraws a second on a terminal (docker's is about 10 too).
inline constexpr int kTtyRedrawHz = 10;
// The rate (and so the ETA) is measured over this many recent seconds.
inline constexpr double kRateWindowSeconds = 5.0;

class ProgressReporter {
 public:
  // kAuto: kTty when `out` is a terminal, else kPlain.
  ProgressReporter(ProgressMode mode, std::FILE* out);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  ProgressMode mode() const { return mode_; }
  // What blob lines say (default: a pull's words); set before the first event.
  void SetLabels(const ProgressLabels& labels);

  // Thread-safe events.
  void Begin(const std::string& what, size_t blobs, uint64_t bytes);
  void BlobStarted(const Descriptor& blob, uint64_t resumed_from);
  void BlobBytes(const Digest& blob, uint64_t n);
  void BlobDone(const Descriptor& blob, BlobOutcome outcome);
  void Note(const std::string& message);
  // Stops the ticker and draws the last state.
  void End();

 private:
  struct Blob {
    std::string short_digest;
    int64_t size = 0;
    uint64_t done = 0;
    bool finished = false;
    std::string final_text;  // "Pull complete", "Already exists"
  };
  void Tick();
  void DrawLocked(bool final);
  void DrawTerminalLocked(bool final);
  void EmitLocked(const std::string& line);
  std::string BlobTextLocked(const Blob& b) const;
  std::string TotalLocked(bool final);
  double RateLocked();
  size_t ColumnsLocked() const;

  ProgressMode mode_;
  std::FILE* out_;
  ProgressLabels labels_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread ticker_;
  bool stop_ = false;
  bool ended_ = false;
  std::string what_;
  bool began_ = false;  // Begin() was called
  size_t total_blobs_ = 0, done_blobs_ = 0;
  uint64_t total_bytes_ = 0, moved_bytes_ = 0, skipped_bytes_ = 0;
  std::map<std::string, Blob> blobs_;       // by digest: the blobs on screen
  std::vector<std::string> order_;          // their digests, in the order they appeared
  std::vector<std::string> pending_lines_;  // printed once, above the live lines
  size_t live_lines_ = 0;                   // lines of the live region now on the terminal
  std::chrono::steady_clock::time_point start_;
  std::deque<std::pair<std::chrono::steady_clock::time_point, uint64_t>> samples_;  // for the rate
};


}  // namespace hoist::transfer
