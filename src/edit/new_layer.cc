#include "edit/new_layer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "build/rootfs_diff.h"
#include "core/io.h"
#include "core/tar_writer.h"
#include "store/import.h"

namespace hoist::edit {

Result<Spool> Spool::Create(const std::string& parent) {
  HOIST_TRY_ASSIGN(TempOwner dir, TempOwner::CreateDir(parent, "hoist-edit."));
  return Spool(std::move(dir));
}

Spool::~Spool() {
  if (dir_.path().empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_.path(), ec);  // our own directory: spool files only
}

Result<NewLayer> MakeLayer(const std::string& input, const std::string& spool, const std::string& name,
                           const LayerOptions& options) {
  struct stat st {};
  if (::stat(input.c_str(), &st) != 0) return ErrnoError("--layer " + input, errno);
  NewLayer layer;
  layer.path = spool + "/" + name;
  layer.compression = options.compression;
  int fd = ::open(layer.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("create " + layer.path, errno);
  FdWriter file(fd, true);
  DigestingWriter compressed(file);
  CompressOptions copt;
  copt.level = options.level;
  copt.fast = options.compression == Compression::kGzip && !options.level;  // ISA-L, as copy compresses
  HOIST_TRY_ASSIGN(auto compressor, NewCompressingWriter(compressed, options.compression, copt));
  DigestingWriter uncompressed(*compressor);
  if (S_ISDIR(st.st_mode)) {
    // Everything in DIR is new to the image: its diff against an empty tree.
    const std::string empty = spool + "/" + name + ".empty";
    if (::mkdir(empty.c_str(), 0700) != 0) return ErrnoError("create " + empty, errno);
    build::DiffOptions dopt;
    dopt.timestamp = options.timestamp;
    dopt.xattrs = false;
    auto written = build::WriteRootfsDiff(empty, input, uncompressed, dopt);
    if (!written.ok()) return std::move(written).error().WithContext("archiving directory " + input);
  } else if (S_ISREG(st.st_mode)) {
    HOIST_TRY_ASSIGN(auto tar, FdReader::Open(input));
    auto plain = DecompressAuto(*tar);
    TarWriter out(uncompressed);
    Status copied = store::CopyLayerEntries(*plain, out);
    if (!copied.ok()) return std::move(copied).error().WithContext("reading layer tarball " + input);
  } else {
    return InvalidArgument("--layer " + input + " is neither a tar file nor a directory");
  }
  HOIST_TRY(compressor->Close());
  layer.diff_id = uncompressed.Finish();
  layer.digest = compressed.Finish();
  layer.size = static_cast<int64_t>(compressed.bytes());
  return layer;
}

}  // namespace hoist::edit
