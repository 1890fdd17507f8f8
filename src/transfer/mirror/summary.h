#pragma once
// What a mirror plan or run did, image by image, and its totals; rendered as text or JSON.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hoist::transfer::mirror {

enum class Outcome { kCopied, kUpToDate, kFailed, kPlanned };
const char* OutcomeName(Outcome o);  // "copied", "up-to-date", "failed", "planned"

struct ImageResult {
  std::string name;         // "library/alpine:3.19"
  std::string source;       // "docker://docker.io/library/alpine:3.19"
  std::string destination;  // "docker://HOST/PREFIX/library/alpine:3.19", or the bundle name
  std::string digest;       // what the destination name points at (when known)
  Outcome outcome = Outcome::kPlanned;
  std::string reason;       // kFailed
  int manifests = 0;
  int blobs = 0;             // blobs of the image (attached included)
  int blobs_copied = 0, blobs_reused = 0, blobs_mounted = 0;
  uint64_t bytes = 0;        // run: moved; plan: of new blobs
  std::vector<std::string> new_blobs;  // plan: digests the destination lacks
};

struct MirrorSummary {
  std::vector<ImageResult> images;  // in image-list order, failures of listing last
  double seconds = 0;
  int Count(Outcome o) const;
  uint64_t Bytes() const;
  bool Failed() const { return Count(Outcome::kFailed) > 0; }
  // Unique new blobs across images (a plan with a destination) and their bytes.
  size_t unique_new_blobs = 0;
  uint64_t unique_new_bytes = 0;
};

nlohmann::json ToJson(const MirrorSummary& s);
// Human lines: one per image not up to date, then the totals.
std::string ToText(const MirrorSummary& s, bool plan);

}  // namespace hoist::transfer::mirror
