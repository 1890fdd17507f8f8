#pragma once
// Moves a plan's blobs with up to `jobs` in flight: each is reused (present or mounted) when the
// destination can, otherwise streamed from the source. The first failure stops new blobs from
// starting and is what Run returns.

#include <atomic>
#include <cstdint>
#include <vector>

#include "core/descriptor.h"
#include "transfer/image_destination.h"
#include "transfer/image_source.h"
#include "transfer/progress.h"

namespace hoist::transfer {

struct BlobCounts {
  int copied = 0;
  int reused = 0;
  int mounted = 0;
  uint64_t bytes = 0;  // blob bytes read from the source (resumed prefixes excluded)
};

class BlobCopier {
 public:
  BlobCopier(ImageSource& source, ImageDestination& destination, int jobs, ProgressReporter* progress)
      : source_(source), destination_(destination), jobs_(jobs < 1 ? 1 : jobs), progress_(progress) {}

  Result<BlobCounts> Run(const std::vector<Descriptor>& blobs);

 private:
  Status CopyOne(const Descriptor& blob);

  ImageSource& source_;
  ImageDestination& destination_;
  int jobs_;
  ProgressReporter* progress_;
  std::atomic<int> copied_{0}, reused_{0}, mounted_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<bool> failed_{false};
};

}  // namespace hoist::transfer
