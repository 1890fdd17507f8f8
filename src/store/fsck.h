#pragma once
// Checking the store: every blob re-hashed against its name, index.json valid, every descriptor an
// entry reaches present. With repair, corrupt blobs are removed and so are the names of images that
// are then incomplete (their content is gone; pull or load them again); each removal is reported.
// Temp space in .hoist/tmp that no running command owns is reported too, and removed by repair.
// Repair holds the gc lock exclusively, like prune.

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/oci_layout.h"

namespace hoist::store {

struct FsckOptions {
  bool repair = false;
};

struct FsckProblem {
  enum class Kind {
    kBadIndex,         // index.json unreadable or invalid (never repaired: it holds the names)
    kCorruptBlob,      // content does not hash to its file name
    kStrayFile,        // a file under blobs/<alg>/ whose name is not a digest
    kMissingBlob,      // a reachable descriptor whose blob is absent
    kBadManifest,      // a reachable manifest or index that does not parse
    kLeftoverTemp,     // an entry of .hoist/tmp whose owner is gone (a killed load, commit, build…):
                       // wasted space, not damage, so it does not make the store unclean
  };
  Kind kind;
  std::string subject;  // the digest, file or name concerned
  std::string detail;   // what is wrong, as a sentence
  bool repaired = false;
  std::string repair;   // what --repair did ("removed blob", "removed name docker.io/…")
};

const char* FsckProblemName(FsckProblem::Kind kind);  // "corrupt-blob", …

struct FsckReport {
  size_t blobs_checked = 0;
  uint64_t bytes_checked = 0;
  size_t images_checked = 0;  // index.json entries
  std::vector<FsckProblem> problems;
  // True when nothing is left unrepaired (leftover temp space aside: it harms nothing).
  bool clean() const;
};

Result<FsckReport> Fsck(OciLayout& layout, const FsckOptions& options);

}  // namespace hoist::store
