#include "store/oci_archive_entries.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/fs.h"
#include "core/io.h"
#include "core/tar_path.h"
#include "core/tar_reader.h"

namespace hoist::store {

namespace {

constexpr size_t kCopyBuffer = 256 * 1024;
constexpr int kMaxLinkDepth = 16;

bool IsMetadataName(const std::string& path) {
  return path == "manifest.json" || path == "index.json" || path == "repositories" || path == "oci-layout" ||
         path == kAttachedIndexFile;
}

// "blobs/sha256/<hex>" → the digest it names; nullopt for other paths (or invalid hex).
std::optional<Digest> BlobPathDigest(const std::string& path) {
  if (path.rfind("blobs/", 0) != 0) return std::nullopt;
  std::string rest = path.substr(6);
  size_t slash = rest.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto d = Digest::Parse(rest.substr(0, slash) + ":" + rest.substr(slash + 1));
  if (!d.ok()) return std::nullopt;
  return *d;
}

std::string ParentDir(const std::string& cleaned) {
  size_t slash = cleaned.rfind('/');
  return slash == std::string::npos ? std::string() : cleaned.substr(0, slash);
}

}  // namespace

ArchiveEntries::~ArchiveEntries() {
  for (auto& [path, f] : files_) {
    if (!f.temp_path.empty()) ::unlink(f.temp_path.c_str());
  }
  if (!spool_.path().empty()) ::rmdir(spool_.path().c_str());  // before its owner lock goes
}

Result<std::unique_ptr<ArchiveEntries>> ArchiveEntries::Read(Reader& tar_stream, const std::string& temp_dir,
                                                             const ArchiveReadOptions& options) {
  std::unique_ptr<ArchiveEntries> entries(new ArchiveEntries());
  HOIST_TRY(MakeDirs(temp_dir));
  TarReader tar(tar_stream);
  size_t count = 0;
  for (;;) {
    HOIST_TRY_ASSIGN(auto entry, tar.Next());
    if (!entry) break;
    if (++count > options.max_entries) {
      return TooLarge("archive has more than " + std::to_string(options.max_entries) + " entries");
    }
    auto cleaned = CleanEntryPath(entry->path);
    if (!cleaned.ok()) {
      return Error(cleaned.error().code(), "archive entry " + QuotePath(entry->path) + ": " +
                                               cleaned.error().message());
    }
    switch (entry->type) {
      case TarEntryType::kRegular:
        HOIST_TRY(entries->AddFile(tar.data(), *cleaned, entry->size, options, temp_dir));
        break;
      case TarEntryType::kSymlink:
      case TarEntryType::kHardlink:
        HOIST_TRY(entries->CheckNew(*cleaned));
        entries->links_[*cleaned] = Link{entry->link_target, entry->type == TarEntryType::kSymlink};
        break;
      default:  // directories and anything else carry nothing an image needs
        break;
    }
  }
  return entries;
}

Status ArchiveEntries::CheckNew(const std::string& path) const {
  if (files_.count(path) || links_.count(path)) {
    return ParseError("archive has a duplicate entry " + QuotePath(path) +
                      " (two files at one path: which one is meant is ambiguous)");
  }
  return Ok();
}

Status ArchiveEntries::AddFile(Reader& data, std::string path, uint64_t size, const ArchiveReadOptions& options,
                               const std::string& temp_dir) {
  HOIST_TRY(CheckNew(path));
  ArchiveFile f;
  f.path = path;
  f.size = size;
  if (IsMetadataName(path)) {
    if (size > options.max_metadata_size) {
      return TooLarge("archive file " + path + " is " + std::to_string(size) + " bytes, over the limit of " +
                      std::to_string(options.max_metadata_size));
    }
    HOIST_TRY_ASSIGN(f.bytes, ReadAll(data, options.max_metadata_size));
    f.digest = Digest::Of(f.bytes);
    files_.emplace(path, std::move(f));
    return Ok();
  }

  std::optional<Digest> named = BlobPathDigest(path);
  Hasher hasher(named ? named->algorithm() : DigestAlgorithm::kSha256);
  if (spool_.fd() < 0) {
    HOIST_TRY_ASSIGN(spool_, TempOwner::CreateDir(temp_dir, "load-"));
  }
  std::string temp = spool_.path() + "/" + std::to_string(spooled_++);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("create a temporary file in " + spool_.path(), errno);
  // Registered at once so the destructor removes it whatever happens next.
  f.temp_path = temp;
  auto [it, inserted] = files_.emplace(path, f);
  (void)inserted;
  ::fchmod(fd, 0644);  // blobs are world-readable like the rest of the layout
  ByteBuffer buf(kCopyBuffer);
  WritebackPacer writeback;
  uint64_t written = 0;
  Status st = Ok();
  for (;;) {
    auto k = data.Read(buf.data(), buf.size());
    if (!k.ok()) {
      st = std::move(k).error();
      break;
    }
    if (*k == 0) break;
    hasher.Update(buf.data(), *k);
    st = WriteAllFd(fd, buf.data(), *k, temp);
    if (!st.ok()) break;
    written += *k;
    writeback.Wrote(fd, written);
  }
  if (st.ok()) st = FsyncFile(fd, temp);
  ::close(fd);
  HOIST_TRY(st);
  it->second.digest = hasher.Finish();
  if (named && !(it->second.digest == *named)) {
    return DigestMismatch("archive entry " + path + " has content of digest " + it->second.digest.str() +
                          ", not the digest its name says (the archive is corrupt)");
  }
  return Ok();
}

const ArchiveFile* ArchiveEntries::Metadata(const std::string& name) const {
  auto it = files_.find(name);
  if (it == files_.end() || !it->second.temp_path.empty()) return nullptr;
  return &it->second;
}

const ArchiveFile* ArchiveEntries::FindBlob(const Digest& d) const {
  auto r = Resolve("blobs/" + std::string(d.algorithm_name()) + "/" + d.hex(), "", 0);
  return r.ok() ? *r : nullptr;
}

Result<const ArchiveFile*> ArchiveEntries::Find(std::string_view path, std::string_view named_by) const {
  auto cleaned = CleanEntryPath(path);
  if (!cleaned.ok()) {
    return Error(cleaned.error().code(), std::string(named_by) + " names " + QuotePath(path) + ": " +
                                             cleaned.error().message());
  }
  return Resolve(*cleaned, named_by, 0);
}

Result<const ArchiveFile*> ArchiveEntries::Resolve(const std::string& cleaned, std::string_view named_by,
                                                   int depth) const {
  auto f = files_.find(cleaned);
  if (f != files_.end()) return &f->second;
  auto l = links_.find(cleaned);
  if (l == links_.end()) {
    return NotFound("the archive has no file " + QuotePath(cleaned) +
                    (named_by.empty() ? std::string() : " (named by " + std::string(named_by) + ")"));
  }
  if (depth >= kMaxLinkDepth) return ParseError("archive links at " + QuotePath(cleaned) + " form a loop");
  std::string target = l->second.target;
  if (l->second.symlink && !target.empty() && target[0] != '/') {
    std::string dir = ParentDir(cleaned);
    if (!dir.empty()) target = dir + "/" + target;
  }
  auto next = CleanEntryPath(target);
  if (!next.ok()) {
    return Error(next.error().code(), "archive link " + QuotePath(cleaned) + " points outside the archive: " +
                                          next.error().message());
  }
  return Resolve(*next, named_by, depth + 1);
}

Result<std::unique_ptr<Reader>> ArchiveEntries::Open(const ArchiveFile& f) const {
  if (f.temp_path.empty()) return std::unique_ptr<Reader>(new StringReader(f.bytes));
  HOIST_TRY_ASSIGN(auto r, FdReader::Open(f.temp_path));
  return std::unique_ptr<Reader>(std::move(r));
}

Result<std::string> ArchiveEntries::ReadSmall(const ArchiveFile& f, uint64_t limit) const {
  if (f.size > limit) {
    return TooLarge("archive file " + f.path + " is " + std::to_string(f.size) + " bytes, over the limit of " +
                    std::to_string(limit));
  }
  HOIST_TRY_ASSIGN(auto r, Open(f));
  return ReadAll(*r, limit);
}

Status ArchiveEntries::Adopt(const ArchiveFile& f, const LayoutPaths& store) {
  std::string dest = store.Blob(f.digest);
  struct stat st;
  if (::stat(dest.c_str(), &st) == 0) return Ok();  // the destructor removes the temp file
  if (f.temp_path.empty()) return Internal("adopt of in-memory archive file " + f.path);
  HOIST_TRY(MakeDirs(store.BlobDir(f.digest.algorithm())));
  if (::rename(f.temp_path.c_str(), dest.c_str()) != 0) return ErrnoError("rename into " + dest, errno);
  files_[f.path].temp_path.clear();  // gone from tmp: nothing for the destructor to remove
  return FsyncDir(store.BlobDir(f.digest.algorithm()));
}

}  // namespace hoist::store
