#include "transfer/progress.h"
#include "core/json_parse.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <system_error>

#include "core/terminal_text.h"

namespace hoist::transfer {

namespace {

// Columns assumed when the terminal does not say (a pseudo-terminal nobody sized).
constexpr size_t kDefaultColumns = 80;

std::chrono::milliseconds IntervalFor(ProgressMode mode) {
  switch (mode) {
    case ProgressMode::kTty: return std::chrono::milliseconds(1000 / kTtyRedrawHz);
    case ProgressMode::kJson: return std::chrono::milliseconds(1000);
    default: return std::chrono::milliseconds(3000);
  }
}

// At most `width` bytes, not cutting a UTF-8 sequence: a wrapped line would break the redraw.
std::string Fit(std::string line, size_t width) {
  if (line.size() <= width) return line;
  size_t cut = width;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  line.resize(cut);
  return line;
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

void ProgressReporter::SetLabels(const ProgressLabels& labels) {
  std::lock_guard lock(mu_);
  labels_ = labels;
}

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

double ProgressReporter::RateLocked() {
  const auto now = std::chrono::steady_clock::now();
  samples_.emplace_back(now, moved_bytes_);
  while (samples_.size() > 1 &&
         std::chrono::duration<double>(now - samples_.front().first).count() > kRateWindowSeconds) {
    samples_.pop_front();
  }
  double window = std::chrono::duration<double>(now - samples_.front().first).count();
  if (window >= 1.0) return static_cast<double>(moved_bytes_ - samples_.front().second) / window;
  // Under a second in, a rate is noise (and its ETA wild): none yet.
  double since_start = std::chrono::duration<double>(now - start_).count();
  return since_start >= 1.0 ? static_cast<double>(moved_bytes_) / since_start : 0;
}

std::string ProgressReporter::TotalLocked(bool final) {
  const uint64_t done = moved_bytes_ + skipped_bytes_;
  if (!final) return TotalLine(done_blobs_, total_blobs_, done, total_bytes_, RateLocked());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char tenths[32];
  std::snprintf(tenths, sizeof tenths, "%.1fs", secs);  // a quick copy: "in 0.3s", not "in 0s"
  return TotalLine(done_blobs_, total_blobs_, done, total_bytes_, 0) + " in " + (secs < 10 ? tenths : ShortDuration(secs));
}

size_t ProgressReporter::ColumnsLocked() const {
  winsize ws{};
  if (::ioctl(::fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return kDefaultColumns;
}

std::string ProgressReporter::BlobTextLocked(const Blob& b) const {
  if (b.finished) return b.short_digest + ": " + b.final_text;
  return BlobLine(b.short_digest, labels_, b.done, b.size);
}

void ProgressReporter::DrawTerminalLocked(bool final) {
  const size_t width = ColumnsLocked() - 1;
  std::string buf;
  if (live_lines_ > 0) buf += "\r\x1b[" + std::to_string(live_lines_) + "A";  // to the live region's top
  auto line = [&](const std::string& text) { buf += "\x1b[2K" + Fit(text, width) + "\n"; };
  // A blob line without its bar when the bar does not fit, as docker on a narrow terminal.
  auto blob_line = [&](const Blob& b) {
    std::string text = BlobTextLocked(b);
    if (!b.finished && text.size() > width) {
      text = b.short_digest + ": " + labels_.active + "  " + HumanSize(b.done) +
             (b.size > 0 ? "/" + HumanSize(static_cast<uint64_t>(b.size)) : "");
    }
    line(text);
  };
  for (const auto& p : pending_lines_) line(p);
  pending_lines_.clear();
  // Finished blobs at the top never change again: printed once, they leave the live region.
  size_t settled = 0;
  while (settled < order_.size() && (final || blobs_[order_[settled]].finished)) {
    blob_line(blobs_[order_[settled]]);
    blobs_.erase(order_[settled]);
    ++settled;
  }
  order_.erase(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(settled));
  size_t live = 0;
  for (const auto& digest : order_) {
    blob_line(blobs_[digest]);
    ++live;
  }
  if (began_) {  // a copy refused before it began (content trust) has no totals to show
    line(TotalLocked(final));
    ++live;
  }
  buf += "\x1b[J";  // whatever a longer region left below
  live_lines_ = final ? 0 : live;
  std::fputs(buf.c_str(), out_);
  std::fflush(out_);
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
    if (total_blobs_ > 0 || (final && began_)) EmitLocked(TotalLocked(final));
    std::fflush(out_);
    return;
  }
  DrawTerminalLocked(final);
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
  const std::string key = blob.digest.str();
  if (!blobs_.count(key)) order_.push_back(key);
  blobs_[key] = Blob{blob.digest.Short(), blob.size, resumed_from, false, ""};
  skipped_bytes_ += resumed_from;
  if (mode_ == ProgressMode::kJson) {
    EmitLocked(DumpJson(nlohmann::json{
        {"event", "blob_start"}, {"digest", blob.digest.str()}, {"size", blob.size}, {"resumed_from", resumed_from}}));
  }
}

void ProgressReporter::BlobBytes(const Digest& blob, uint64_t n) {
  std::lock_guard lock(mu_);
  auto it = blobs_.find(blob.str());
  if (it != blobs_.end()) it->second.done += n;
  moved_bytes_ += n;
}

void ProgressReporter::BlobDone(const Descriptor& blob, BlobOutcome outcome) {
  std::lock_guard lock(mu_);
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
  const char* said = outcome == BlobOutcome::kCopied    ? labels_.done
                     : outcome == BlobOutcome::kMounted ? labels_.mounted
                                                        : labels_.present;
  if (mode_ == ProgressMode::kPlain) {
    pending_lines_.push_back(blob.digest.Short() + ": " + said + " (" + HumanSize(static_cast<uint64_t>(blob.size)) +
                             ")");
    return;
  }
  const std::string key = blob.digest.str();
  if (!blobs_.count(key)) order_.push_back(key);
  Blob& b = blobs_[key];
  b.short_digest = blob.digest.Short();
  b.size = blob.size;
  b.finished = true;
  b.final_text = said;
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
