#pragma once
// An OCI image layout on disk: hoist's local store, and the `oci:DIR` location.
//
// Blobs are content-addressed and immutable: a blob is streamed to a temp file under .hoist/tmp,
// verified against its digest and size, fsynced and renamed into blobs/. A reader therefore never
// sees a partial blob. index.json is only ever replaced whole (temp file, fsync, rename) while the
// index lock is held, and every edit re-reads it under that lock, so concurrent hoist processes
// never lose each other's names.
//
// Writers hold a WriteLease (a shared gc lock) from their first blob until their names are in
// index.json; Prune and Fsck(repair) take it exclusively, so they never remove a blob that a running
// load or pull has written but not yet named.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/descriptor.h"
#include "core/digest.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/io.h"
#include "core/manifest.h"
#include "core/reference.h"
#include "store/layout_paths.h"

namespace hoist::store {

inline constexpr const char* kRefNameAnnotation = "org.opencontainers.image.ref.name";

// --store, else $HOIST_STORE, else ${XDG_DATA_HOME:-~/.local/share}/hoist/store.
std::string DefaultStorePath(const std::string& flag_value);

class OciLayout {
 public:
  enum class OpenMode { kExisting, kCreate };
  // kCreate makes the directory, oci-layout and an empty index.json when missing. An existing
  // directory must hold a valid oci-layout file (imageLayoutVersion 1.0.0) and index.json.
  static Result<OciLayout> Open(const std::string& root, OpenMode mode);

  const LayoutPaths& paths() const { return paths_; }
  const std::string& root() const { return paths_.root(); }

  // ---- blobs ----
  bool HasBlob(const Digest& d) const;
  // kNotFound when absent.
  Result<int64_t> BlobSize(const Digest& d) const;
  Result<std::unique_ptr<Reader>> OpenBlob(const Digest& d) const;
  // A small blob (manifest, config) read whole and checked against its digest; kTooLarge past limit.
  Result<std::string> ReadBlob(const Digest& d, uint64_t limit) const;

  // Streams `r` into the store and verifies it is `expected` (size < 0: any size). A blob already
  // present is kept and `r` is not read. Nothing partial is left behind on failure.
  Status PutBlob(Reader& r, const Digest& expected, int64_t expected_size);
  // Streams `r` into the store computing its digest: for content whose digest is not known yet.
  Result<Descriptor> IngestBlob(Reader& r, std::string media_type);
  Result<Descriptor> PutBytes(std::string_view bytes, std::string media_type);
  // Moves `path` (a file on the layout's filesystem whose content the caller has verified to be
  // `d`, e.g. an upload spool file) into blobs/: fsync, rename, fsync of the blob directory.
  // A blob already present is kept and `path` removed.
  Status AdoptVerifiedFile(const std::string& path, const Digest& d);

  // A download that can be interrupted and continued: bytes go to .hoist/partial/<alg>-<hex>, which
  // survives the process. offset() is how many bytes an earlier attempt already kept; the caller
  // continues its source from there (an HTTP Range). Commit() verifies the whole file and renames it
  // into blobs/; a mismatch deletes the partial file so the next attempt starts clean.
  class PartialBlob : public Writer {
   public:
    ~PartialBlob() override;
    using Writer::Write;
    Status Write(const char* data, size_t n) override;
    uint64_t offset() const { return offset_; }
    Status Commit();
    // Forget what was written (the source changed): truncate to zero.
    Status Restart();

   private:
    friend class OciLayout;
    PartialBlob(LayoutPaths paths, Digest expected, int64_t size, int fd, uint64_t offset, Hasher hasher)
        : paths_(std::move(paths)), expected_(std::move(expected)), size_(size), fd_(fd), offset_(offset),
          hasher_(std::move(hasher)), reserve_(size) {
      reserve_.Wrote(fd_, offset_);
    }
    LayoutPaths paths_;  // a copy: the PartialBlob may outlive a moved-from OciLayout
    Digest expected_;
    int64_t size_;
    int fd_;
    uint64_t offset_;
    Hasher hasher_;  // has seen bytes [0, offset_), so Commit() need not read the file again
    WritebackPacer writeback_;
    SpaceReserver reserve_;
  };
  Result<std::unique_ptr<PartialBlob>> OpenPartial(const Digest& expected, int64_t size);

  // ---- index.json and names ----
  // The current index.json (no lock needed: it is replaced atomically).
  Result<Index> ReadIndex() const;
  // Under the index lock: re-read index.json, let `edit` change its entries, write it atomically.
  // An edit returning an error leaves index.json unchanged.
  Status UpdateIndex(const std::function<Status(std::vector<Descriptor>& manifests)>& edit);

  struct NamedImage {
    Reference ref;          // from the ref.name annotation (full normalized form)
    Descriptor descriptor;  // manifest or index
  };
  // Entries with a ref.name annotation that parses as a reference; others are skipped.
  Result<std::vector<NamedImage>> ListNamed() const;
  // By name (tag), or by digest when `ref` carries one (any entry or blob of that digest that is a
  // manifest or index). kNotFound names what was looked for.
  Result<Descriptor> Resolve(const Reference& ref) const;
  // Points `ref` at `manifest`, replacing whatever it named before.
  Status SetName(const Reference& ref, const Descriptor& manifest);
  // Removes the name; kNotFound when it was not there.
  Status RemoveName(const Reference& ref);

  // ---- lifetime ----
  class WriteLease {
   public:
    explicit WriteLease(FileLock lock) : lock_(std::move(lock)) {}
   private:
    FileLock lock_;
  };
  // Shared gc lock: hold it from the first blob written until the names are set.
  Result<WriteLease> BeginWrite() const;

 private:
  explicit OciLayout(std::string root) : paths_(std::move(root)) {}
  LayoutPaths paths_;
};

// Every blob reachable from `root_descriptor` (the manifest or index itself, configs, layers,
// children, subjects excluded), in the order manifests list them. Missing blobs are an error.
Result<std::vector<Descriptor>> ReachableBlobs(const OciLayout& layout, const Descriptor& root_descriptor);

}  // namespace hoist::store
