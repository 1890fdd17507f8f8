#include "container/image_transfer.h"

#include "transfer/copy.h"

namespace hoist::container {

namespace {

Status Run(const transfer::Endpoints& ep, const transfer::Location& src, const transfer::Location& dst,
           transfer::ProgressReporter* progress, const std::vector<Platform>& platforms, bool whole_index,
           const transfer::LayerCompressionChoice& compression = {}) {
  HOIST_TRY_ASSIGN(auto source, transfer::OpenSource(src, ep));
  HOIST_TRY_ASSIGN(auto destination, transfer::OpenDestination(dst, ep, &src));
  transfer::CopyOptions options;
  options.tag = transfer::DestinationTag(dst, src);
  if (dst.IsFile() && dst.name.empty()) {
    // An archive without :REF gets the image's full name (an untagged build: none).
    options.tag = src.ref && src.ref->tag() ? src.ref->str() : "";
  }
  options.platforms.all = whole_index;
  options.platforms.platforms = platforms.empty() ? std::vector<Platform>{Platform::Host()} : platforms;
  options.progress = progress;
  options.compression = compression;
  auto report = transfer::Copy(*source, *destination, options);
  if (!report.ok()) return std::move(report).error().WithContext(src.str() + " → " + dst.str());
  return Ok();
}

}  // namespace

Status PullIntoStore(const transfer::Endpoints& ep, const Reference& image, transfer::ProgressReporter* progress,
                     const std::vector<Platform>& platforms) {
  transfer::Location src;
  src.kind = transfer::LocationKind::kRegistry;
  src.ref = image;
  transfer::Location dst;
  dst.kind = transfer::LocationKind::kStore;
  dst.ref = image;
  return Run(ep, src, dst, progress, platforms, false);
}

Status CopyFromStore(const transfer::Endpoints& ep, const Reference& source, const transfer::Location& destination,
                     transfer::ProgressReporter* progress, bool whole_index,
                     const transfer::LayerCompressionChoice& compression) {
  transfer::Location src;
  src.kind = transfer::LocationKind::kStore;
  src.ref = source;
  return Run(ep, src, destination, progress, {}, whole_index, compression);
}

}  // namespace hoist::container
