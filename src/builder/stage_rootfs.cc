#include "builder/stage_rootfs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "container/root_dir.h"
#include "container/rootfs_unpack.h"
#include "container/unique_fd.h"
#include "core/compression.h"
#include "core/io.h"
#include "store/layer_sizes.h"

namespace hoist::builder {

namespace {

Status Drain(Reader& r) {
  char buf[8192];
  for (;;) {
    HOIST_TRY_ASSIGN(size_t n, r.Read(buf, sizeof buf));
    if (n == 0) return Ok();
  }
}

Status ApplyReader(Reader& in, const std::string& dir, const std::string& what) {
  HOIST_TRY_ASSIGN(container::RootDir root, container::RootDir::Open(dir));
  auto stats = container::ApplyLayer(root, in);
  if (!stats.ok()) return std::move(stats).error().WithContext("applying " + what);
  return Ok();
}

}  // namespace

Status ApplyStoredLayer(const store::OciLayout& layout, const Descriptor& layer, const std::string& dir) {
  HOIST_TRY_ASSIGN(auto blob, layout.OpenBlob(layer.digest));
  DigestingReader verified(*blob, layer.digest.algorithm());
  HOIST_TRY(ApplyReader(verified, dir, "layer " + layer.digest.str()));
  HOIST_TRY(Drain(verified));
  return verified.Verify(layer.digest, layer.size);
}

Status StageRootfs::Materialize(const std::vector<Descriptor>& layers) {
  if (materialized_) return Ok();
  for (const char* sub : {"/root", "/base"}) {
    std::string path = dir_ + sub;
    if (::mkdir(path.c_str(), 0755) != 0) return ErrnoError("create " + path, errno);
  }
  for (const auto& layer : layers) HOIST_TRY(ApplyToBoth("", &layer));
  materialized_ = true;
  return Ok();
}

Status StageRootfs::ApplyCached(const Descriptor& layer) {
  if (!materialized_) return Ok();
  return ApplyToBoth("", &layer);
}

Status StageRootfs::ApplyToBoth(const std::string& file, const Descriptor* blob) {
  for (const char* sub : {"/base", "/root"}) {
    if (blob != nullptr) {
      HOIST_TRY(ApplyStoredLayer(layout_, *blob, dir_ + sub));
      continue;
    }
    container::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return ErrnoError("open " + file, errno);
    FdReader in(fd.get(), /*owned=*/false);
    HOIST_TRY(ApplyReader(in, dir_ + sub, "the new layer"));
  }
  return Ok();
}

Result<LayerResult> StageRootfs::Snapshot(std::optional<int64_t> timestamp, const std::string& media_type) {
  if (!materialized_) return Internal("snapshot of a stage that was never unpacked");
  LayerResult result;
  uint64_t unpacked = 0;
  const std::string path = dir_ + "/layer-" + std::to_string(++snapshots_) + ".tar.gz";
  {
    container::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd.valid()) return ErrnoError("create " + path, errno);
    FdWriter file(fd.get(), /*owned=*/false);
    HOIST_TRY_ASSIGN(auto gzip, NewCompressingWriter(file, Compression::kGzip));
    DigestingWriter tar_bytes(*gzip);
    store::DiffOptions diff;
    diff.timestamp = timestamp;
    HOIST_TRY_ASSIGN(result.stats, store::WriteRootfsDiff(dir_ + "/base", root(), tar_bytes, diff));
    HOIST_TRY(gzip->Close());
    result.diff_id = tar_bytes.Finish();
    unpacked = tar_bytes.bytes();
  }
  struct Cleanup {
    std::string p;
    ~Cleanup() { ::unlink(p.c_str()); }
  } cleanup{path};
  if (result.stats.added + result.stats.modified + result.stats.deleted == 0) return result;
  {
    container::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return ErrnoError("open " + path, errno);
    FdReader in(fd.get(), /*owned=*/false);
    HOIST_TRY_ASSIGN(result.layer, layout_.IngestBlob(in, media_type));
  }
  (void)store::LayerSizes::Record(layout_, result.layer->digest, unpacked);  // a cache: images computes it otherwise
  HOIST_TRY(ApplyToBoth(path, nullptr));
  return result;
}

}  // namespace hoist::builder
