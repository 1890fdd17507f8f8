// OciLayout: opening a layout, and its blobs (read, verify, write). Names live in index_names.cc,
// resumable downloads in partial_blob.cc.
#include "store/oci_layout.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/spec_json.h"
#include "store/index_file.h"
#include "store/temp_blob.h"

namespace hoist::store {

namespace {

constexpr std::string_view kOciLayoutContent = "{\"imageLayoutVersion\":\"1.0.0\"}";
constexpr uint64_t kMaxOciLayoutFile = 64 * 1024;

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Status CheckOciLayoutFile(const std::string& path) {
  auto raw = ReadFileToString(path, kMaxOciLayoutFile);
  if (!raw.ok()) {
    if (raw.error().code() == ErrorCode::kNotFound) {
      return NotFound(DirName(path) + " is not an OCI image layout: it has no oci-layout file");
    }
    return std::move(raw).error();
  }
  auto doc = spec_json::Parse(*raw);
  if (!doc.ok() || !doc->is_object()) {
    return ParseError(path + " is not valid: expected {\"imageLayoutVersion\":\"1.0.0\"}");
  }
  const auto* version = spec_json::Find(*doc, "imageLayoutVersion");
  if (!version || !version->is_string() || version->get<std::string>() != "1.0.0") {
    return Unsupported(path + ": unsupported imageLayoutVersion (hoist reads 1.0.0)");
  }
  return Ok();
}

Error MissingBlob(const Digest& d, const std::string& root) {
  return NotFound("blob " + d.str() + " is not in " + root);
}

}  // namespace

Result<OciLayout> OciLayout::Open(const std::string& root, OpenMode mode) {
  if (root.empty()) return InvalidArgument("the store directory is an empty path");
  OciLayout layout(root);
  const LayoutPaths& p = layout.paths_;
  if (mode == OpenMode::kCreate) {
    HOIST_TRY(MakeDirs(p.BlobDir(DigestAlgorithm::kSha256)));
    HOIST_TRY(MakeDirs(p.TempDir()));
    if (!Exists(p.OciLayoutFile())) HOIST_TRY(AtomicWriteFile(p.OciLayoutFile(), kOciLayoutContent));
    if (!Exists(p.IndexFile())) {
      // Under the index lock: another process may be creating the same store and adding a name.
      HOIST_TRY_ASSIGN(FileLock lock, FileLock::Acquire(p.IndexLock()));
      if (!Exists(p.IndexFile())) HOIST_TRY(AtomicWriteFile(p.IndexFile(), EmptyIndexFile()));
    }
  } else {
    struct stat st;
    if (::stat(root.c_str(), &st) != 0) {
      if (errno == ENOENT) return NotFound("no image store at " + root);
      return ErrnoError("open store " + root, errno);
    }
    if (!S_ISDIR(st.st_mode)) return InvalidArgument(root + " is not a directory (expected an OCI image layout)");
  }
  HOIST_TRY(CheckOciLayoutFile(p.OciLayoutFile()));
  if (!Exists(p.IndexFile())) return NotFound(root + " is not an OCI image layout: it has no index.json");
  return layout;
}

bool OciLayout::HasBlob(const Digest& d) const {
  struct stat st;
  return ::stat(paths_.Blob(d).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Result<int64_t> OciLayout::BlobSize(const Digest& d) const {
  struct stat st;
  if (::stat(paths_.Blob(d).c_str(), &st) != 0) {
    if (errno == ENOENT) return MissingBlob(d, root());
    return ErrnoError("stat blob " + d.str(), errno);
  }
  return static_cast<int64_t>(st.st_size);
}

Result<std::unique_ptr<Reader>> OciLayout::OpenBlob(const Digest& d) const {
  auto r = FdReader::Open(paths_.Blob(d));
  if (!r.ok()) {
    if (r.error().code() == ErrorCode::kNotFound) return MissingBlob(d, root());
    return std::move(r).error();
  }
  return std::unique_ptr<Reader>(std::move(r).value());
}

Result<std::string> OciLayout::ReadBlob(const Digest& d, uint64_t limit) const {
  auto raw = ReadFileToString(paths_.Blob(d), limit);
  if (!raw.ok()) {
    if (raw.error().code() == ErrorCode::kNotFound) return MissingBlob(d, root());
    return std::move(raw).error().WithContext("blob " + d.str());
  }
  Digest got = Digest::Of(*raw, d.algorithm());
  if (!(got == d)) {
    return DigestMismatch("blob " + d.str() + " in " + root() + " is corrupt (its content hashes to " +
                          got.str() + "); run `hoist fsck --repair`");
  }
  return raw;
}

Status OciLayout::PutBlob(Reader& r, const Digest& expected, int64_t expected_size) {
  if (HasBlob(expected)) {
    // A present blob of the wrong size is damaged: write it again (the rename replaces it whole).
    auto have = BlobSize(expected);
    if (expected_size < 0 || (have.ok() && *have == expected_size)) return Ok();
  }
  const std::string what = "blob " + expected.str();
  HOIST_TRY_ASSIGN(auto temp, TempBlob::Create(paths_, expected.algorithm()));
  HOIST_TRY(temp->CopyFrom(r, expected_size, what));
  Digest got = temp->Finish();
  if (expected_size >= 0 && temp->size() != static_cast<uint64_t>(expected_size)) {
    return DigestMismatch("size mismatch for " + what + ": expected " + std::to_string(expected_size) +
                          " bytes, got " + std::to_string(temp->size()));
  }
  if (!(got == expected)) {
    return DigestMismatch("digest mismatch: expected " + expected.str() + ", got " + got.str());
  }
  return temp->CommitAs(expected);
}

Result<Descriptor> OciLayout::IngestBlob(Reader& r, std::string media_type) {
  HOIST_TRY_ASSIGN(auto temp, TempBlob::Create(paths_, DigestAlgorithm::kSha256));
  HOIST_TRY(temp->CopyFrom(r, -1, "blob"));
  Descriptor d;
  d.media_type = std::move(media_type);
  d.digest = temp->Finish();
  d.size = static_cast<int64_t>(temp->size());
  auto have = BlobSize(d.digest);
  if (have.ok() && *have == d.size) return d;  // already there; the temp file goes away
  HOIST_TRY(temp->CommitAs(d.digest));
  return d;
}

Result<Descriptor> OciLayout::PutBytes(std::string_view bytes, std::string media_type) {
  Descriptor d = Descriptor::For(std::move(media_type), bytes);
  auto have = BlobSize(d.digest);
  if (have.ok() && *have == d.size) return d;
  HOIST_TRY_ASSIGN(auto temp, TempBlob::Create(paths_, DigestAlgorithm::kSha256));
  HOIST_TRY(temp->Write(bytes.data(), bytes.size()));
  HOIST_TRY(temp->CommitAs(d.digest));
  return d;
}

Status OciLayout::AdoptVerifiedFile(const std::string& path, const Digest& d) {
  if (HasBlob(d)) {
    ::unlink(path.c_str());
    return Ok();
  }
  {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoError("open " + path, errno);
    Status synced = FsyncFile(fd, path);
    ::close(fd);
    HOIST_TRY(synced);
  }
  const std::string dir = paths_.BlobDir(d.algorithm());
  HOIST_TRY(MakeDirs(dir));
  const std::string target = paths_.Blob(d);
  if (::rename(path.c_str(), target.c_str()) != 0) return ErrnoError("rename " + path + " to " + target, errno);
  return FsyncDir(dir);
}

Result<OciLayout::WriteLease> OciLayout::BeginWrite() const {
  HOIST_TRY(MakeDirs(paths_.PrivateDir()));
  HOIST_TRY_ASSIGN(FileLock lock, FileLock::Acquire(paths_.GcLock(), FileLock::Mode::kShared));
  return WriteLease(std::move(lock));
}

}  // namespace hoist::store
