#include "build/builder/build_progress.h"

#include <cinttypes>

#include "core/human_size.h"

namespace hoist::build::builder {

void BuildProgress::Step(const std::string& text) {
  ++step_;
  started_ = std::chrono::steady_clock::now();
  if (quiet_) return;
  std::fprintf(out_, "Step %d/%d : %s\n", step_, total_, text.c_str());
  std::fflush(out_);
}

void BuildProgress::Cached() {
  ++cached_;
  Line(" ---> CACHED");
}

void BuildProgress::Done(const std::optional<Descriptor>& layer) {
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, " ---> %.2fs, ", s);
  std::string text = buf;
  if (layer) {
    text += "layer " + layer->digest.str().substr(0, 19) + " (" + HumanSize(static_cast<uint64_t>(layer->size)) + ")";
  } else {
    text += "no filesystem change";
  }
  Line(text);
}

void BuildProgress::Line(const std::string& text) {
  if (quiet_) return;
  std::fprintf(out_, "%s\n", text.c_str());
  std::fflush(out_);
}

}  // namespace hoist::build::builder
