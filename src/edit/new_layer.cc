#include "edit/new_layer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "store/rootfs_diff.h"
#include "core/io.h"
#include "core/media_types.h"
#include "core/tar_writer.h"
#include "store/import.h"

namespace hoist::edit {

namespace {
// libzstd's worker threads for a zstd layer (as transfer/layer_compression: any N >= 1, same bytes).
constexpr int kZstdWorkers = 2;
}  // namespace

Result<Spool> Spool::Create(const std::string& parent) {
  HOIST_TRY_ASSIGN(TempOwner dir, TempOwner::CreateDir(parent, "hoist-edit."));
  return Spool(std::move(dir));
}

Spool::~Spool() {
  if (dir_.path().empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_.path(), ec);  // our own directory: spool files only
}

Result<NewLayer> WriteLayer(const std::string& path, const LayerOptions& options,
                            const std::function<Status(Writer& tar)>& produce) {
  NewLayer layer;
  layer.path = path;
  layer.compression = options.compression;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("create " + path, errno);
  FdWriter file(fd, true);
  DigestingWriter compressed(file);
  CompressOptions copt;
  copt.level = options.level;
  copt.fast = options.compression == Compression::kGzip && !options.level;  // ISA-L, as copy compresses
  copt.zstd_workers = kZstdWorkers;
  HOIST_TRY_ASSIGN(auto compressor, NewCompressingWriter(compressed, options.compression, copt));
  DigestingWriter uncompressed(*compressor);
  HOIST_TRY(produce(uncompressed));
  HOIST_TRY(compressor->Close());
  layer.diff_id = uncompressed.Finish();
  layer.digest = compressed.Finish();
  layer.size = static_cast<int64_t>(compressed.bytes());
  return layer;
}

Result<std::string> LayerMediaType(const std::string& manifest_media_type, Compression c) {
  const bool docker = IsDocker(manifest_media_type);
  switch (c) {
    case Compression::kNone: return std::string(docker ? kDockerLayerTar : kOciLayerTar);
    case Compression::kGzip: return std::string(docker ? kDockerLayerGzip : kOciLayerGzip);
    case Compression::kZstd:
      if (docker) {
        return Unsupported("a Docker schema 2 image cannot hold a zstd layer: use --compress gzip, or convert the "
                           "image first (hoist --format oci copy SRC DST)");
      }
      return std::string(kOciLayerZstd);
  }
  return Internal("unknown compression");
}

Result<NewLayer> MakeLayer(const std::string& input, const std::string& spool, const std::string& name,
                           const LayerOptions& options) {
  struct stat st {};
  if (::stat(input.c_str(), &st) != 0) return ErrnoError("--layer " + input, errno);
  if (S_ISDIR(st.st_mode)) {
    // Everything in DIR is new to the image: its diff against an empty tree.
    const std::string empty = spool + "/" + name + ".empty";
    if (::mkdir(empty.c_str(), 0700) != 0) return ErrnoError("create " + empty, errno);
    return WriteLayer(spool + "/" + name, options, [&](Writer& tar) -> Status {
      store::DiffOptions dopt;
      dopt.timestamp = options.timestamp;
      dopt.xattrs = false;
      auto written = store::WriteRootfsDiff(empty, input, tar, dopt);
      if (!written.ok()) return std::move(written).error().WithContext("archiving directory " + input);
      return Ok();
    });
  }
  if (!S_ISREG(st.st_mode)) return InvalidArgument("--layer " + input + " is neither a tar file nor a directory");
  return WriteLayer(spool + "/" + name, options, [&](Writer& tar) -> Status {
    HOIST_TRY_ASSIGN(auto file, FdReader::Open(input));
    auto plain = DecompressAuto(*file);
    TarWriter out(tar);
    Status copied = store::CopyLayerEntries(*plain, out);
    if (!copied.ok()) return std::move(copied).error().WithContext("reading layer tarball " + input);
    return Ok();
  });
}

}  // namespace hoist::edit
