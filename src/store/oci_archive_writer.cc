#include "store/oci_archive_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/attachment_tags.h"
#include "core/fs.h"
#include "core/io.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "core/tar_format.h"
#include "store/oci_layout.h"

namespace hoist::store {

namespace {

constexpr size_t kCopyBuffer = 256 * 1024;

// A ustar header for a regular file of `size` bytes; sizes past the octal field use GNU base-256.
void FormatFileHeader(char* block, const std::string& name, uint64_t size) {
  std::memset(block, 0, kTarBlockSize);
  FormatTarString(block, kTarName, name);
  FormatTarOctal(block, kTarMode, 0644);
  FormatTarOctal(block, kTarUid, 0);
  FormatTarOctal(block, kTarGid, 0);
  if (!FormatTarOctal(block, kTarSize, size)) {
    char* f = block + kTarSize.offset;
    std::memset(f, 0, kTarSize.size);
    f[0] = static_cast<char>(0x80);
    for (size_t i = kTarSize.size - 1; i > 0 && size > 0; --i, size >>= 8) f[i] = static_cast<char>(size & 0xff);
  }
  FormatTarOctal(block, kTarMtime, 0);
  block[kTarTypeflag.offset] = '0';
  std::memcpy(block + kTarMagic.offset, "ustar", 6);
  std::memcpy(block + kTarVersion.offset, "00", 2);
  FormatTarOctal(block, kTarDevMajor, 0);  // as TarWriter writes them: patched and spooled entries match
  FormatTarOctal(block, kTarDevMinor, 0);
  int64_t sum = 0, signed_sum = 0;
  TarChecksums(block, &sum, &signed_sum);
  FormatTarOctal(block, TarField{kTarChecksum.offset, 7}, static_cast<uint64_t>(sum));
  block[kTarChecksum.offset + 7] = ' ';
}

Status PadTo512(Writer& w, uint64_t size) {
  static const char kZeros[kTarBlockSize] = {};
  size_t pad = static_cast<size_t>((kTarBlockSize - size % kTarBlockSize) % kTarBlockSize);
  return pad ? w.Write(kZeros, pad) : Ok();
}

Error ContentMismatch(const Digest& want, const Digest& got) {
  return DigestMismatch("blob " + want.str() + ": content has digest " + got.str() + " (the source is corrupt)");
}

}  // namespace

namespace {
TarWriterOptions ArchiveTarOptions() {
  TarWriterOptions o;
  o.fixed_mtime = 0;  // the same images give the same archive
  o.zero_owner = true;
  o.omit_owner_names = true;
  return o;
}
}  // namespace

LayoutTarWriter::LayoutTarWriter(ArchiveOutput out) : out_(std::move(out)), tar_(counter_, ArchiveTarOptions()) {
  counter_.inner = out_.out;
}

std::string LayoutTarWriter::BlobPath(const Digest& d) {
  return "blobs/" + std::string(d.algorithm_name()) + "/" + d.hex();
}

Status LayoutTarWriter::EnsureDirs(const Digest& d) {
  for (std::string dir : {std::string("blobs/"), "blobs/" + std::string(d.algorithm_name()) + "/"}) {
    if (!dirs_.insert(dir).second) continue;
    TarEntry e;
    e.path = dir;
    e.type = TarEntryType::kDirectory;
    e.mode = 0755;
    HOIST_TRY(tar_.WriteEntry(e));
  }
  return Ok();
}

Status LayoutTarWriter::AddFile(const std::string& name, std::string_view bytes) {
  TarEntry e;
  e.path = name;
  e.size = bytes.size();
  StringReader r{std::string(bytes)};
  return tar_.WriteEntry(e, &r);
}

Status LayoutTarWriter::AddBlob(Reader& content, const Digest& d, int64_t size) {
  if (HasBlob(d)) return Ok();
  HOIST_TRY(EnsureDirs(d));
  if (size < 0) {
    auto n = out_.patch_fd >= 0 ? AddPatched(content, d) : AddSpooled(content, d);
    if (!n.ok()) return std::move(n).error();
    size = static_cast<int64_t>(*n);
  } else {
    DigestingReader digesting(content, d.algorithm());
    TarEntry e;
    e.path = BlobPath(d);
    e.size = static_cast<uint64_t>(size);
    auto st = tar_.WriteEntry(e, &digesting);
    if (!st.ok()) return std::move(st).error().WithContext("blob " + d.str());
    Digest got = digesting.Finish();
    if (!(got == d)) return ContentMismatch(d, got);
  }
  blobs_[d.str()] = size;
  return Ok();
}

Result<uint64_t> LayoutTarWriter::AddPatched(Reader& content, const Digest& d) {
  char header[kTarBlockSize];
  std::string name = BlobPath(d);
  if (name.size() > kTarName.size) return Unsupported("blob " + d.str() + ": digest too long for a streamed entry");
  FormatFileHeader(header, name, 0);
  uint64_t header_at = counter_.count;
  HOIST_TRY(counter_.Write(header, sizeof header));
  DigestingReader digesting(content, d.algorithm());
  ByteBuffer buf(kCopyBuffer);
  uint64_t n = 0;
  for (;;) {
    HOIST_TRY_ASSIGN(size_t k, digesting.Read(buf.data(), buf.size()));
    if (k == 0) break;
    HOIST_TRY(counter_.Write(buf.data(), k));
    n += k;
  }
  Digest got = digesting.Finish();
  if (!(got == d)) return ContentMismatch(d, got);
  HOIST_TRY(PadTo512(counter_, n));
  FormatFileHeader(header, name, n);
  off_t at = static_cast<off_t>(out_.base_offset + header_at);
  if (::pwrite(out_.patch_fd, header, sizeof header, at) != static_cast<ssize_t>(sizeof header)) {
    return ErrnoError("write the tar header of " + name, errno);
  }
  return n;
}

Result<uint64_t> LayoutTarWriter::AddSpooled(Reader& content, const Digest& d) {
  HOIST_TRY(MakeDirs(out_.spool_dir));
  std::string path = out_.spool_dir + "/spool-XXXXXX";
  int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("create a temporary file in " + out_.spool_dir, errno);
  ::unlink(path.c_str());  // gone with the process, whatever happens
  FdWriter spool(fd, /*owned=*/false);
  FdReader reader(fd, /*owned=*/true);
  DigestingReader digesting(content, d.algorithm());
  HOIST_TRY_ASSIGN(uint64_t n, Copy(digesting, spool));
  Digest got = digesting.Finish();
  if (!(got == d)) return ContentMismatch(d, got);
  if (::lseek(fd, 0, SEEK_SET) != 0) return ErrnoError("seek " + path, errno);
  TarEntry e;
  e.path = BlobPath(d);
  e.size = n;
  HOIST_TRY(tar_.WriteEntry(e, &reader));
  return n;
}

std::optional<int64_t> LayoutTarWriter::BlobSize(const Digest& d) const {
  auto it = blobs_.find(d.str());
  if (it == blobs_.end()) return std::nullopt;
  return it->second;
}

Status LayoutTarWriter::Close() { return tar_.Close(); }

void OciArchiveWriter::AddManifest(const Descriptor& manifest, const std::string& ref_name) {
  Descriptor d;
  d.media_type = manifest.media_type;
  d.digest = manifest.digest;
  d.size = manifest.size;
  d.platform = manifest.platform;
  if (!ref_name.empty()) d.annotations[kRefNameAnnotation] = ref_name;
  (IsAttachedRefName(ref_name) ? attached_ : index_).push_back(std::move(d));
}

Status OciArchiveWriter::Finish() {
  HOIST_TRY(blobs_.AddFile("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"));
  if (index_.empty()) std::swap(index_, attached_);  // only attachments: they are what the archive holds
  Index index(std::string(kOciIndex), index_);
  HOIST_TRY(blobs_.AddFile("index.json", index.raw()));
  if (!attached_.empty()) {
    Index attached(std::string(kOciIndex), attached_);
    HOIST_TRY(blobs_.AddFile(kAttachedIndexFile, attached.raw()));
  }
  return blobs_.Close();
}

}  // namespace hoist::store
