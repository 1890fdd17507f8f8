#pragma once
// What a copy tells the user while it runs. The engine reports events; a ProgressReporter draws
// them: on a terminal a line per active blob plus an overall line (like docker pull), otherwise
// plain lines every few seconds, or JSON events (one object per line) for machines. All output
// goes to the stream given (stderr), never mixing with a command's result on stdout.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/descriptor.h"

namespace hoist::transfer {

enum class ProgressMode { kAuto, kTty, kPlain, kJson, kNone };
enum class BlobOutcome { kCopied, kPresent, kMounted };

const char* BlobOutcomeName(BlobOutcome outcome);  // "copied", "exists", "mounted"

class ProgressReporter {
 public:
  // kAuto: kTty when `out` is a terminal, else kPlain.
  ProgressReporter(ProgressMode mode, std::FILE* out);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  ProgressMode mode() const { return mode_; }

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
    int64_t size = 0;
    uint64_t done = 0;
  };
  void Tick();
  void DrawLocked(bool final);
  void EmitLocked(const std::string& line);
  std::string OverallLocked() const;

  ProgressMode mode_;
  std::FILE* out_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread ticker_;
  bool stop_ = false;
  bool ended_ = false;
  std::string what_;
  bool began_ = false;  // Begin() was called
  size_t total_blobs_ = 0, done_blobs_ = 0;
  uint64_t total_bytes_ = 0, moved_bytes_ = 0, skipped_bytes_ = 0;
  std::map<std::string, Blob> active_;  // by digest
  std::vector<std::string> pending_lines_;  // finished blobs, printed above the live lines
  size_t live_lines_ = 0;
  std::chrono::steady_clock::time_point start_;
};

// "12.3 MiB"
std::string HumanBytes(uint64_t n);

}  // namespace hoist::transfer
