#include "transfer/mirror/summary.h"

#include <cstdio>

#include "core/human_size.h"
#include "core/terminal_text.h"
#include "transfer/progress.h"

namespace hoist::transfer::mirror {

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kCopied: return "copied";
    case Outcome::kUpToDate: return "up-to-date";
    case Outcome::kFailed: return "failed";
    case Outcome::kPlanned: return "planned";
  }
  return "?";
}

int MirrorSummary::Count(Outcome o) const {
  int n = 0;
  for (const auto& i : images) n += i.outcome == o ? 1 : 0;
  return n;
}

uint64_t MirrorSummary::Bytes() const {
  uint64_t n = 0;
  for (const auto& i : images) n += i.bytes;
  return n;
}

nlohmann::json ToJson(const MirrorSummary& s) {
  nlohmann::json images = nlohmann::json::array();
  for (const auto& i : s.images) {
    nlohmann::json j = {{"name", i.name},           {"source", i.source},   {"destination", i.destination},
                        {"digest", i.digest},       {"outcome", OutcomeName(i.outcome)},
                        {"manifests", i.manifests}, {"blobs", i.blobs},     {"bytes", i.bytes}};
    if (!i.reason.empty()) j["reason"] = i.reason;
    if (i.outcome == Outcome::kCopied) {
      j["blobs_copied"] = i.blobs_copied;
      j["blobs_reused"] = i.blobs_reused;
      j["blobs_mounted"] = i.blobs_mounted;
    }
    if (i.outcome == Outcome::kPlanned) j["new_blobs"] = i.new_blobs;
    images.push_back(std::move(j));
  }
  return {{"images", images},
          {"copied", s.Count(Outcome::kCopied)},
          {"up_to_date", s.Count(Outcome::kUpToDate)},
          {"failed", s.Count(Outcome::kFailed)},
          {"planned", s.Count(Outcome::kPlanned)},
          {"bytes", s.Bytes()},
          {"new_blobs", s.unique_new_blobs},
          {"new_bytes", s.unique_new_bytes},
          {"seconds", s.seconds}};
}

std::string ToText(const MirrorSummary& s, bool plan) {
  std::string out;
  for (const auto& i : s.images) {
    if (i.outcome == Outcome::kUpToDate) continue;
    // Names and reasons come from registries' tag lists and error bodies: escaped for the terminal.
    out += std::string(OutcomeName(i.outcome)) + "  " + EscapeForTerminal(i.source) + " → " +
           EscapeForTerminal(i.destination);
    if (!i.digest.empty()) out += "  " + i.digest;
    if (plan) out += "  (" + std::to_string(i.new_blobs.size()) + " new blobs, " + HumanSize(i.bytes) + ")";
    if (!i.reason.empty()) out += ": " + EscapeForTerminal(i.reason);
    out += "\n";
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f s", s.seconds);
  if (plan) {
    out += std::to_string(s.Count(Outcome::kPlanned)) + " images to copy, " + std::to_string(s.Count(Outcome::kUpToDate)) +
           " up to date, " + std::to_string(s.Count(Outcome::kFailed)) + " failed; " +
           std::to_string(s.unique_new_blobs) + " new blobs, " + HumanSize(s.unique_new_bytes) + "\n";
  } else {
    out += std::to_string(s.Count(Outcome::kCopied)) + " images copied, " + std::to_string(s.Count(Outcome::kUpToDate)) +
           " up to date, " + std::to_string(s.Count(Outcome::kFailed)) + " failed; " + HumanSize(s.Bytes()) +
           " in " + secs + "\n";
  }
  return out;
}

}  // namespace hoist::transfer::mirror
