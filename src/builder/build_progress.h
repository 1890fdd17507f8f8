#pragma once
// What `hoist build` prints while it works, in one of three styles.
// kClassic (the default), docker build's:
//   Step 3/7 : RUN make
//   <the command's output>
//    ---> 1.42s, layer sha256:0b1c… (12.3 kB)
//   Step 4/7 : COPY . .
//    ---> CACHED
// kPlain (--progress plain), BuildKit's plain lines, one or two per step:
//   #3 [linux/arm64 builder 2/4] RUN make
//   #3 0.215 <each line of the command's output>
//   #3 DONE 1.4s
//   #4 [linux/arm64 builder 3/4] COPY . .
//   #4 CACHED
// kTty (--progress tty on a terminal): each step's line drawn in place and redrawn with its outcome.
// With -q nothing is printed (the caller prints the image ID at the end).

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "core/descriptor.h"

namespace hoist::builder {

enum class ProgressStyle { kClassic, kPlain, kTty };

class BuildProgress {
 public:
  BuildProgress(std::FILE* out, bool quiet, ProgressStyle style = ProgressStyle::kClassic)
      : out_(out), quiet_(quiet), style_(style) {}

  bool quiet() const { return quiet_; }
  std::FILE* out() const { return out_; }

  void SetTotal(int total) { total_ = total; }
  // A stage starts: its label in BuildKit's step names ("builder", "linux/arm64 stage-1", "" for a
  // lone stage) and how many of its steps are vertices (see Step), FROM included.
  void BeginStage(const std::string& label, int steps);
  // An instruction starts. A vertex is a step BuildKit shows (FROM, RUN, COPY, ADD, WORKDIR); the
  // others only change the image's config (ENV, LABEL, …): the classic style numbers every step,
  // plain and tty show and number vertices alone, as BuildKit does.
  void Step(const std::string& text, bool vertex = true);
  // The step's command is about to write to out(): a line drawn in place is ended first.
  void BeforeOutput();
  void Cached();
  // A step that ran: its time and the layer it made (none: no filesystem change).
  void Done(const std::optional<Descriptor>& layer);
  // Something said about the current step (a base image's digest).
  void Note(const std::string& text);
  // A line outside any step; ends the current one.
  void Line(const std::string& text);
  int step() const { return step_; }
  // The open step's number where its command's output lines are prefixed (plain style), else 0.
  int PlainVertex() const { return style_ == ProgressStyle::kPlain && !quiet_ ? vertex_ : 0; }
  int cached() const { return cached_; }

  // BuildKit's plain-style lines, for the renderer and its tests.
  static std::string PlainStepLine(int vertex, const std::string& label, int k, int n, const std::string& text);
  static std::string PlainDoneLine(int vertex, double seconds);
  static std::string PlainCachedLine(int vertex);

 private:
  void Close(const std::string& outcome);  // ends an open step (plain: DONE; tty: its final line)
  void Write(const std::string& text);
  double Elapsed() const;
  std::string TtyLine(const std::string& prefix, const std::string& suffix) const;

  std::FILE* out_;
  bool quiet_;
  ProgressStyle style_;
  int total_ = 0;
  int step_ = 0;    // every instruction (classic numbering, the build's step count)
  int vertex_ = 0;  // vertices only (plain and tty numbering)
  int cached_ = 0;
  std::string label_;
  int stage_step_ = 0;
  int stage_steps_ = 0;
  std::string text_;       // the open step's name ("[2/4] RUN make"); empty when none is open
  bool drawn_ = false;     // tty: the open step's line is on screen without its newline
  std::chrono::steady_clock::time_point started_;
};

}  // namespace hoist::builder
