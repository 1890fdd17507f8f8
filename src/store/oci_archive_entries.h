#pragma once
// The files of an image archive (oci-archive or docker-archive tar), read in one sequential pass.
//
// Archives often come from a pipe and `docker save` writes manifest.json last, so nothing can be
// decided before the end: every regular file is streamed into a temp file in the store's
// .hoist/tmp as it arrives (hashed on the way), the few top-level metadata files are kept in
// memory, and links are remembered. The readers then look files up by the paths the archive's
// manifest.json / index.json name. Temp files not adopted into blobs/ are removed when this object
// goes, so a rejected archive leaves the store as it was. They live in one load-XXXXXX directory
// that this object holds an owner lock on (core/temp_owner.h): if the process is killed, `hoist
// prune` sees the lock free and reclaims the directory at once.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/digest.h"
#include "core/error.h"
#include "core/io.h"
#include "core/temp_owner.h"
#include "store/layout_paths.h"

namespace hoist::store {

// The second index of an oci-archive hoist writes: an OCI index (the shape of index.json) of the
// cosign manifests attached to its images, each with the ref.name it had. OCI tools ignore the
// file; `hoist load` and oci-archive: sources read it. Only written when index.json names an image.
inline constexpr const char* kAttachedIndexFile = "hoist-attached.json";

struct ArchiveFile {
  std::string path;       // cleaned archive path
  std::string temp_path;  // spooled content; empty for in-memory metadata
  std::string bytes;      // in-memory metadata files only
  Digest digest = Digest::Of("");  // of the content (sha256, or the algorithm its blobs/<alg>/ path names)
  uint64_t size = 0;
};

struct ArchiveReadOptions {
  // Largest top-level metadata file (manifest.json, index.json, repositories, oci-layout).
  uint64_t max_metadata_size = 8 * 1024 * 1024;
  // Most entries an archive may hold.
  size_t max_entries = 100000;
};

class ArchiveEntries {
 public:
  // Reads the whole (already decompressed) tar stream. Files go to `temp_dir`. A blobs/<alg>/<hex>
  // file whose content has another digest, a duplicate path, an unsafe path or a truncated tar
  // fails here.
  static Result<std::unique_ptr<ArchiveEntries>> Read(Reader& tar, const std::string& temp_dir,
                                                      const ArchiveReadOptions& options = {});
  ~ArchiveEntries();
  ArchiveEntries(const ArchiveEntries&) = delete;
  ArchiveEntries& operator=(const ArchiveEntries&) = delete;

  // A file named by the archive's own metadata (`named_by` says where, for messages). The path is
  // cleaned (absolute paths and "../" are refused) and symlinks/hardlinks inside the archive are
  // followed. kNotFound when the archive has no such file.
  Result<const ArchiveFile*> Find(std::string_view path, std::string_view named_by) const;
  // blobs/<alg>/<hex> of `d`, or nullptr.
  const ArchiveFile* FindBlob(const Digest& d) const;
  // A top-level metadata file kept in memory, or nullptr.
  const ArchiveFile* Metadata(const std::string& name) const;

  // The content of a spooled file.
  Result<std::unique_ptr<Reader>> Open(const ArchiveFile& f) const;
  Result<std::string> ReadSmall(const ArchiveFile& f, uint64_t limit) const;

  // Moves the spooled file into the store as blobs/<alg>/<hex> of `d` (fsync, rename, fsync dir);
  // when the store has it already the temp file is just removed. `d` must be the file's digest.
  Status Adopt(const ArchiveFile& f, const LayoutPaths& store);

 private:
  ArchiveEntries() = default;
  Status AddFile(Reader& data, std::string path, uint64_t size, const ArchiveReadOptions& options,
                 const std::string& temp_dir);
  Status CheckNew(const std::string& path) const;
  Result<const ArchiveFile*> Resolve(const std::string& cleaned, std::string_view named_by, int depth) const;

  std::map<std::string, ArchiveFile> files_;
  struct Link {
    std::string target;  // as stored: relative to the link's directory (symlink) or the root (hardlink)
    bool symlink = false;
  };
  std::map<std::string, Link> links_;
  TempOwner spool_;      // the load-XXXXXX directory of the spooled files, made with the first one
  size_t spooled_ = 0;   // names the next spooled file
};

}  // namespace hoist::store
