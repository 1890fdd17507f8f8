#include "builder/add_archive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "container/rootfs_unpack.h"
#include "container/unique_fd.h"
#include "core/archive_compression.h"
#include "core/io.h"
#include "core/tar_path.h"

namespace hoist::builder {

namespace {

constexpr size_t kTarBlock = 512;

Result<container::UniqueFd> OpenSource(const SourceEntry& src) {
  container::UniqueFd fd(::openat(src.dir.get(), src.name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError("open " + QuotePath(src.rel), errno);
  return fd;
}

// The first tar block of the (decompressed) file: a ustar header has "ustar" at offset 257.
Result<bool> LooksLikeTar(int fd, ArchiveCompression compression) {
  if (::lseek(fd, 0, SEEK_SET) != 0) return ErrnoError("seek", errno);
  FdReader file(fd, /*owned=*/false);
  auto in = DecompressArchive(file, compression);
  std::string block(kTarBlock, '\0');
  size_t got = 0;
  while (got < kTarBlock) {
    auto n = in->Read(block.data() + got, kTarBlock - got);
    if (!n.ok() || *n == 0) return false;  // too short or not really compressed: a plain file
    got += *n;
  }
  return block.compare(257, 5, "ustar") == 0;
}

}  // namespace

Result<bool> ExtractIfArchive(const SourceEntry& src, const container::RootDir& dest, const std::string& dest_rel,
                              TreeCopyOptions options, const std::string& scratch) {
  HOIST_TRY_ASSIGN(container::UniqueFd fd, OpenSource(src));
  char magic[6] = {};
  ssize_t n = ::pread(fd.get(), magic, sizeof magic, 0);
  if (n < 0) return ErrnoError("read " + QuotePath(src.rel), errno);
  ArchiveCompression compression = DetectArchiveCompression(std::string_view(magic, static_cast<size_t>(n)));
  HOIST_TRY_ASSIGN(bool tar, LooksLikeTar(fd.get(), compression));
  if (!tar) return false;

  if (::mkdir(scratch.c_str(), 0755) != 0) return ErrnoError("create " + scratch, errno);
  {
    HOIST_TRY_ASSIGN(container::RootDir root, container::RootDir::Open(scratch));
    if (::lseek(fd.get(), 0, SEEK_SET) != 0) return ErrnoError("seek", errno);
    FdReader file(fd.get(), /*owned=*/false);
    // Decompressed here (ApplyLayer itself knows only the layer formats), with the same
    // expansion limit ApplyLayer applies to gzip and zstd.
    container::UnpackOptions unpack;
    auto in = DecompressArchive(file, compression, unpack.decompress);
    auto stats = container::ApplyLayer(root, *in, unpack);
    if (!stats.ok()) return std::move(stats).error().WithContext("unpacking " + QuotePath(src.rel));
  }
  HOIST_TRY_ASSIGN(container::RootDir unpacked, container::RootDir::Open(scratch));
  SourceTree tree{scratch, false, {}, "the archive"};
  HOIST_TRY_ASSIGN(SourceEntry all, ResolveSource(unpacked, tree, "."));
  if (options.uid == 0 && options.gid == 0) options.keep_owner = true;
  options.filter = nullptr;
  HOIST_TRY(CopySource(all, dest, dest_rel, /*into_dir=*/true, options));
  return true;
}

}  // namespace hoist::builder
