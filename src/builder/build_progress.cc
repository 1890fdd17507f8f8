#include "builder/build_progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cinttypes>

#include "core/human_size.h"

namespace hoist::builder {

namespace {

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

}  // namespace

std::string BuildProgress::PlainStepLine(int vertex, const std::string& label, int k, int n, const std::string& text) {
  std::string where = label.empty() ? "" : label + " ";
  return "#" + std::to_string(vertex) + " [" + where + std::to_string(k) + "/" + std::to_string(n) + "] " + text;
}

std::string BuildProgress::PlainDoneLine(int vertex, double seconds) {
  return "#" + std::to_string(vertex) + " DONE " + Seconds(seconds);
}

std::string BuildProgress::PlainCachedLine(int vertex) { return "#" + std::to_string(vertex) + " CACHED"; }

void BuildProgress::BeginStage(const std::string& label, int steps) {
  label_ = label;
  stage_step_ = 0;
  stage_steps_ = steps;
}

double BuildProgress::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void BuildProgress::Write(const std::string& text) {
  if (quiet_) return;
  std::fputs(text.c_str(), out_);
  std::fflush(out_);
}

// "=> [2/4] RUN make    1.4s", cut to the terminal's width so that redrawing clears it whole.
std::string BuildProgress::TtyLine(const std::string& prefix, const std::string& suffix) const {
  size_t width = 80;
  winsize ws{};
  if (::ioctl(::fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) width = ws.ws_col;
  std::string line = prefix + text_;
  const size_t room = width - 1 - suffix.size();
  if (line.size() > room) line = line.substr(0, room - 3) + "...";
  if (!suffix.empty()) line += std::string(room - line.size(), ' ') + suffix;
  return line;
}

void BuildProgress::Close(const std::string& outcome) {
  if (text_.empty()) return;
  if (style_ == ProgressStyle::kPlain) {
    Write((outcome.empty() ? PlainDoneLine(vertex_, Elapsed()) : outcome) + "\n");
  } else if (style_ == ProgressStyle::kTty) {
    std::string line = outcome == "CACHED" ? TtyLine("=> CACHED ", "") : TtyLine("=> ", Seconds(Elapsed()));
    Write((drawn_ ? "\r\033[2K" : "") + line + "\n");
  }
  text_.clear();
  drawn_ = false;
}

void BuildProgress::Step(const std::string& text, bool vertex) {
  Close("");
  ++step_;
  started_ = std::chrono::steady_clock::now();
  if (style_ != ProgressStyle::kClassic && !vertex) return;  // shown by the classic style alone
  if (vertex) {
    ++vertex_;
    ++stage_step_;
  }
  switch (style_) {
    case ProgressStyle::kClassic:
      Write("Step " + std::to_string(step_) + "/" + std::to_string(total_) + " : " + text + "\n");
      return;
    case ProgressStyle::kPlain:
      text_ = text;
      Write(PlainStepLine(vertex_, label_, stage_step_, stage_steps_, text) + "\n");
      return;
    case ProgressStyle::kTty:
      text_ = "[" + (label_.empty() ? "" : label_ + " ") + std::to_string(stage_step_) + "/" +
              std::to_string(stage_steps_) + "] " + text;
      Write(TtyLine("=> ", ""));
      drawn_ = !quiet_;
      return;
  }
}

void BuildProgress::BeforeOutput() {
  if (style_ == ProgressStyle::kTty && drawn_) {
    Write("\n");
    drawn_ = false;
  }
}

void BuildProgress::Cached() {
  ++cached_;
  if (style_ == ProgressStyle::kClassic) return Write(" ---> CACHED\n");
  Close(style_ == ProgressStyle::kPlain ? PlainCachedLine(vertex_) : "CACHED");
}

void BuildProgress::Done(const std::optional<Descriptor>& layer) {
  if (style_ != ProgressStyle::kClassic) return Close("");
  char buf[64];
  std::snprintf(buf, sizeof buf, " ---> %.2fs, ", Elapsed());
  std::string text = buf;
  if (layer) {
    text += "layer " + layer->digest.str().substr(0, 19) + " (" + HumanSize(static_cast<uint64_t>(layer->size)) + ")";
  } else {
    text += "no filesystem change";
  }
  Write(text + "\n");
}

void BuildProgress::Note(const std::string& text) {
  if (style_ == ProgressStyle::kClassic) return Write(" ---> " + text + "\n");
  if (style_ == ProgressStyle::kPlain && !text_.empty()) Write("#" + std::to_string(vertex_) + " " + text + "\n");
}

void BuildProgress::Line(const std::string& text) {
  Close("");
  Write(text + "\n");
}

}  // namespace hoist::builder
