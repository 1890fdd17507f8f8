#pragma once
// What `hoist build` prints while it works, in docker build's shape:
//   Step 3/7 : RUN make
//   <the command's output>
//    ---> 1.42s, layer sha256:0b1c… (12.3 kB)
//   Step 4/7 : COPY . .
//    ---> CACHED
// With -q nothing is printed (the caller prints the image ID at the end).

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "core/descriptor.h"

namespace hoist::build::builder {

class BuildProgress {
 public:
  BuildProgress(std::FILE* out, bool quiet) : out_(out), quiet_(quiet) {}

  bool quiet() const { return quiet_; }
  std::FILE* out() const { return out_; }

  void SetTotal(int total) { total_ = total; }
  void Step(const std::string& text);
  void Cached();
  // A step that ran: its time and the layer it made (none: no filesystem change).
  void Done(const std::optional<Descriptor>& layer);
  void Line(const std::string& text);
  int step() const { return step_; }
  int cached() const { return cached_; }

 private:
  std::FILE* out_;
  bool quiet_;
  int total_ = 0;
  int step_ = 0;
  int cached_ = 0;
  std::chrono::steady_clock::time_point started_;
};


}  // namespace hoist::build::builder
