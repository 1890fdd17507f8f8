#include "transfer/progress.h"
#include "core/json_parse.h"

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <system_error>

#include "core/terminal_text.h"

namespace hoist::transfer {

namespace {

std::chrono::milliseconds IntervalFor(ProgressMode mode) {
  switch (mode) {
    case ProgressMode::kTty: return std::chrono::milliseconds(200);
    case ProgressMode::kJson: return std::chrono::milliseconds(1000);
    default: return std::chrono::milliseconds(3000);
  }
}

}  // namespace

const char* BlobOutcomeName(BlobOutcome outcome) {
  switch (outcome) {
    case BlobOutcome::kCopied: return "copied";
    case BlobOutcome::kPresent: return "exists";
    case BlobOutcome::kMounted: return "mounted";
  }
  return "?";
}

std::string HumanBytes(uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  else std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

ProgressReporter::ProgressReporter(ProgressMode mode, std::FILE* out) : mode_(mode), out_(out) {
  if (mode_ == ProgressMode::kAuto) mode_ = ::isatty(::fileno(out_)) ? ProgressMode::kTty : ProgressMode::kPlain;
  start_ = std::chrono::steady_clock::now();
  if (mode_ == ProgressMode::kNone) return;
  try {
    ticker_ = std::thread([this] { Tick(); });
  } catch (const std::system_error&) {
    // No thread to spare (low memory): the transfer goes on without periodic progress redraws.
  }
}

ProgressReporter::~ProgressReporter() { End(); }

void ProgressReporter::Tick() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, IntervalFor(mode_));
    if (stop_) break;
    DrawLocked(false);
  }
}

void ProgressReporter::EmitLocked(const std::string& line) {
  std::fputs(line.c_str(), out_);
  std::fputc('\n', out_);
}

std::string ProgressReporter::OverallLocked() const {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = secs > 0 ? static_cast<double>(moved_bytes_) / secs : 0;
  std::string s = what_.empty() ? "total" : what_;
  s += ": " + std::to_string(done_blobs_) + "/" + std::to_string(total_blobs_) + " blobs, " +
       HumanBytes(moved_bytes_ + skipped_bytes_) + " / " + HumanBytes(total_bytes_) + ", " +
       HumanBytes(static_cast<uint64_t>(rate)) + "/s";
  return s;
}

void ProgressReporter::DrawLocked(bool final) {
  if (mode_ == ProgressMode::kNone) return;
  if (mode_ == ProgressMode::kJson) {
    nlohmann::json j = {{"event", final ? "end" : "progress"}, {"blobs_done", done_blobs_},
                        {"blobs", total_blobs_},           {"bytes_moved", moved_bytes_},
                        {"bytes_skipped", skipped_bytes_}, {"bytes_total", total_bytes_}};
    EmitLocked(DumpJson(j));
    std::fflush(out_);
    return;
  }
  if (mode_ == ProgressMode::kPlain) {
    for (const auto& l : pending_lines_) EmitLocked(l);
    pending_lines_.clear();
    if (total_blobs_ > 0 || (final && began_)) EmitLocked(OverallLocked());
    std::fflush(out_);
    return;
  }
  // Terminal: rewrite the live region in place.
  for (size_t i = 0; i < live_lines_; ++i) std::fputs("\x1b[1A\x1b[2K", out_);
  std::fputs("\r", out_);
  for (const auto& l : pending_lines_) EmitLocked(l);
  pending_lines_.clear();
  live_lines_ = 0;
  if (!final) {
    for (const auto& [digest, b] : active_) {
      std::string line = digest.substr(digest.find(':') + 1, 12) + ": " + HumanBytes(b.done) + " / " +
                         HumanBytes(static_cast<uint64_t>(b.size));
      EmitLocked(line);
      ++live_lines_;
    }
  }
  if (began_) {  // a copy refused before it began (content trust) has no totals to show
    EmitLocked(OverallLocked());
    ++live_lines_;
  }
  if (final) live_lines_ = 0;
  std::fflush(out_);
}

void ProgressReporter::Begin(const std::string& what, size_t blobs, uint64_t bytes) {
  std::lock_guard lock(mu_);
  what_ = EscapeForTerminal(what);  // image names come from registries' tag lists
  began_ = true;
  total_blobs_ += blobs;
  total_bytes_ += bytes;
  if (mode_ == ProgressMode::kJson) {
    EmitLocked(DumpJson(nlohmann::json{{"event", "begin"}, {"what", what}, {"blobs", blobs}, {"bytes", bytes}}));
  }
}

void ProgressReporter::BlobStarted(const Descriptor& blob, uint64_t resumed_from) {
  std::lock_guard lock(mu_);
  active_[blob.digest.str()] = Blob{blob.size, resumed_from};
  skipped_bytes_ += resumed_from;
  if (mode_ == ProgressMode::kJson) {
    EmitLocked(DumpJson(nlohmann::json{
        {"event", "blob_start"}, {"digest", blob.digest.str()}, {"size", blob.size}, {"resumed_from", resumed_from}}));
  }
}

void ProgressReporter::BlobBytes(const Digest& blob, uint64_t n) {
  std::lock_guard lock(mu_);
  auto it = active_.find(blob.str());
  if (it != active_.end()) it->second.done += n;
  moved_bytes_ += n;
}

void ProgressReporter::BlobDone(const Descriptor& blob, BlobOutcome outcome) {
  std::lock_guard lock(mu_);
  active_.erase(blob.digest.str());
  ++done_blobs_;
  if (outcome != BlobOutcome::kCopied) skipped_bytes_ += static_cast<uint64_t>(blob.size);
  if (mode_ == ProgressMode::kJson) {
    EmitLocked(DumpJson(nlohmann::json{{"event", "blob_done"},
                                       {"digest", blob.digest.str()},
                                       {"size", blob.size},
                                       {"outcome", BlobOutcomeName(outcome)}}));
    return;
  }
  if (mode_ == ProgressMode::kNone) return;
  pending_lines_.push_back(blob.digest.Short() + ": " + BlobOutcomeName(outcome) + " (" +
                           HumanBytes(static_cast<uint64_t>(blob.size)) + ")");
}

void ProgressReporter::Note(const std::string& message) {
  std::lock_guard lock(mu_);
  if (mode_ == ProgressMode::kJson) {
    EmitLocked(DumpJson(nlohmann::json{{"event", "note"}, {"message", message}}));
  } else if (mode_ != ProgressMode::kNone) {
    pending_lines_.push_back(EscapeForTerminal(message));
  }
}

void ProgressReporter::End() {
  {
    std::lock_guard lock(mu_);
    if (ended_) return;
    ended_ = true;
    stop_ = true;
    cv_.notify_all();
  }
  if (ticker_.joinable()) ticker_.join();
  std::lock_guard lock(mu_);
  DrawLocked(true);
}

}  // namespace hoist::transfer
