#pragma once
// Writing image archives as a stream: an OCI image layout in a tar (blobs/<alg>/<hex>, index.json,
// oci-layout). LayoutTarWriter writes the blob entries and is shared with the docker-archive writer
// (docker_archive_writer.h), whose Docker 25+ form is the same layout plus manifest.json.
//
// A blob of unknown size (a layer being decompressed on its way in) needs its size in the tar
// header before its data. When the output is a regular file the header is written with a
// placeholder, the data streamed, and the header patched in place (pwrite); on a pipe the blob is
// spooled to an unlinked temp file first. Every blob is checked against its digest (and size) as
// it is written; a mismatch fails the write and the caller discards the archive.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/descriptor.h"
#include "core/digest.h"
#include "core/error.h"
#include "core/io.h"
#include "core/tar_writer.h"
#include "store/oci_archive_entries.h"

namespace hoist::store {

struct ArchiveOutput {
  Writer* out = nullptr;     // the tar stream
  int patch_fd = -1;         // the same file, open for pwrite, when it is a regular file; else -1
  uint64_t base_offset = 0;  // file offset where the archive starts in patch_fd
  std::string spool_dir;     // temp files for blobs of unknown size when patch_fd < 0
};

class LayoutTarWriter {
 public:
  explicit LayoutTarWriter(ArchiveOutput out);
  LayoutTarWriter(const LayoutTarWriter&) = delete;
  LayoutTarWriter& operator=(const LayoutTarWriter&) = delete;

  bool HasBlob(const Digest& d) const { return blobs_.count(d.str()) > 0; }
  // The size of a blob written, nullopt when not written.
  std::optional<int64_t> BlobSize(const Digest& d) const;
  // blobs/<alg>/<hex>: "blobs/sha256/ab…".
  static std::string BlobPath(const Digest& d);

  // Streams the blob into the archive (once: a blob already written is not read again) and checks
  // it is `d` of `size` bytes; size < 0 means not known in advance.
  Status AddBlob(Reader& content, const Digest& d, int64_t size);
  // A small file at the archive root (index.json, manifest.json, …).
  Status AddFile(const std::string& name, std::string_view bytes);
  // The end-of-archive marker. Does not close the output.
  Status Close();

  uint64_t bytes_written() const { return counter_.count; }

 private:
  struct CountingWriter : Writer {
    Writer* inner = nullptr;
    uint64_t count = 0;
    using Writer::Write;
    Status Write(const char* data, size_t n) override {
      HOIST_TRY(inner->Write(data, n));
      count += n;
      return Ok();
    }
  };
  Status EnsureDirs(const Digest& d);
  Result<uint64_t> AddPatched(Reader& content, const Digest& d);
  Result<uint64_t> AddSpooled(Reader& content, const Digest& d);

  ArchiveOutput out_;
  CountingWriter counter_;
  TarWriter tar_;
  std::map<std::string, int64_t> blobs_;  // digest → size
  std::set<std::string> dirs_;
};

// The oci-archive format. Blobs go through blobs(); each named image then gets an index.json entry.
class OciArchiveWriter {
 public:
  explicit OciArchiveWriter(ArchiveOutput out) : blobs_(std::move(out)) {}
  LayoutTarWriter& blobs() { return blobs_; }
  // An index.json entry for a manifest or index already written as a blob. `ref_name` (the
  // org.opencontainers.image.ref.name annotation) may be empty. A manifest named by an attachment
  // tag (a cosign signature, attestation or SBOM) goes into kAttachedIndexFile instead, so that
  // single-image loaders (podman load, skopeo without a name) see only the images.
  void AddManifest(const Descriptor& manifest, const std::string& ref_name);
  // oci-layout, index.json (and kAttachedIndexFile), end of archive.
  Status Finish();

 private:
  LayoutTarWriter blobs_;
  std::vector<Descriptor> index_;
  std::vector<Descriptor> attached_;
};

}  // namespace hoist::store
