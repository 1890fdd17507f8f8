#include "container/commit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>

#include "container/root_dir.h"
#include "container/scratch_dir.h"
#include "container/unique_fd.h"
#include "core/compression.h"
#include "core/fs.h"
#include "core/io.h"
#include "core/media_types.h"
#include "core/tar_writer.h"
#include "store/import.h"
#include "store/import_changes.h"
#include "store/layer_sizes.h"

namespace hoist::container {

namespace {

std::string Now(const std::optional<int64_t>& timestamp) {
  return store::Rfc3339(timestamp ? *timestamp : static_cast<int64_t>(std::time(nullptr)));
}

}  // namespace

Result<CommitResult> CommitDirectory(store::OciLayout& layout, const StoredImage& base, const std::string& changed_dir,
                                     const Reference& name, const CommitOptions& options) {
  const bool docker = IsDocker(base.manifest.media_type());
  CommitResult result;

  // Config edits first: a bad --change fails before any work.
  ImageConfig config = base.config;
  if (!options.changes.empty()) {
    ContainerConfig cc = config.config().value_or(ContainerConfig{});
    for (const auto& change : options.changes) {
      auto s = store::ApplyConfigChange(cc, change);
      if (!s.ok()) return std::move(s).error().WithContext("--change " + change);
    }
    config.set_config(std::move(cc));
  }

  HOIST_TRY_ASSIGN(auto lease, layout.BeginWrite());
  HOIST_TRY_ASSIGN(ScratchDir scratch, ScratchDir::Create(layout.paths().TempDir(), "commit-"));
  const std::string base_dir = scratch.path() + "/base";
  if (::mkdir(base_dir.c_str(), 0755) != 0) return ErrnoError("create " + base_dir, errno);
  HOIST_TRY(UnpackStoredImage(layout, base, base_dir));

  // The layer goes to a temp file (compressed, hashed uncompressed), then into the store.
  uint64_t unpacked = 0;
  const std::string layer_path = scratch.path() + "/layer.tar.gz";
  UniqueFd fd(::open(layer_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) return ErrnoError("create " + layer_path, errno);
  {
    FdWriter file(fd.get(), /*owned=*/false);
    HOIST_TRY_ASSIGN(auto gzip, NewCompressingWriter(file, Compression::kGzip));
    DigestingWriter tar_bytes(*gzip);  // the diff_id
    store::DiffOptions diff;
    diff.timestamp = options.timestamp;
    diff.exclude = options.exclude;
    HOIST_TRY_ASSIGN(result.stats, store::WriteRootfsDiff(base_dir, changed_dir, tar_bytes, diff));
    HOIST_TRY(gzip->Close());
    result.diff_id = tar_bytes.Finish();
    unpacked = tar_bytes.bytes();
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) return ErrnoError("rewind " + layer_path, errno);
  FdReader layer_reader(fd.get(), /*owned=*/false);
  HOIST_TRY_ASSIGN(result.layer,
                   layout.IngestBlob(layer_reader, std::string(docker ? kDockerLayerGzip : kOciLayerGzip)));
  (void)store::LayerSizes::Record(layout, result.layer.digest, unpacked);  // a cache: images computes it otherwise

  const std::string created = Now(options.timestamp);
  config.set_created(created);
  if (!options.author.empty()) config.set_author(options.author);
  HistoryEntry step;
  step.created = created;
  step.created_by = options.created_by;
  step.author = options.author;
  step.comment = options.message;
  config.AddLayer(result.diff_id, std::move(step));
  HOIST_TRY_ASSIGN(Descriptor config_desc,
                   layout.PutBytes(config.raw(), std::string(docker ? kDockerConfig : kOciConfig)));
  result.config = config_desc.digest;

  std::vector<Descriptor> layers = base.manifest.layers();
  layers.push_back(result.layer);
  Manifest manifest(std::string(docker ? kDockerManifest : kOciManifest), config_desc, layers);
  HOIST_TRY_ASSIGN(result.manifest, layout.PutBytes(manifest.raw(), manifest.media_type()));
  HOIST_TRY(layout.SetName(name, result.manifest));
  return result;
}

}  // namespace hoist::container
