#include "store/import.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>

#include "core/compression.h"
#include "core/fs.h"
#include "core/image_config.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "core/tar_path.h"
#include "core/tar_reader.h"
#include "core/tar_writer.h"
#include "store/import_changes.h"
#include "store/layer_sizes.h"

namespace hoist::store {

// Re-writes the tarball's entries (checked) as the layer.
Status CopyLayerEntries(Reader& plain, TarWriter& out) {
  TarReader in(plain);
  TarPathChecker checker(AbsoluteNames::kInRoot);  // a tarball for import is a layer
  for (;;) {
    HOIST_TRY_ASSIGN(auto entry, in.Next());
    if (!entry) break;
    HOIST_TRY_ASSIGN(std::string path, checker.Check(*entry));
    if (path == ".") continue;
    TarEntry e = *entry;
    e.path = e.type == TarEntryType::kDirectory ? path + "/" : path;
    if (e.type == TarEntryType::kHardlink) {
      HOIST_TRY_ASSIGN(e.link_target, CleanLayerEntryPath(e.link_target));
    }
    HOIST_TRY(out.WriteEntry(e, &in.data()));
  }
  return out.Close();
}

namespace {

Result<std::string> CreatedTime(const ImportOptions& o) {
  if (!o.created.empty()) return o.created;
  HOIST_TRY_ASSIGN(std::optional<int64_t> epoch, SourceDateEpoch());
  return Rfc3339(epoch ? *epoch : static_cast<int64_t>(std::time(nullptr)));
}

}  // namespace

Result<std::optional<int64_t>> SourceDateEpoch() {
  const char* sde = std::getenv("SOURCE_DATE_EPOCH");
  if (sde == nullptr || *sde == '\0') return std::optional<int64_t>();
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(sde, &end, 10);
  if (errno != 0 || end == nullptr || *end != '\0' || v < 0) {
    return InvalidArgument(std::string("SOURCE_DATE_EPOCH must be a number of seconds, got \"") + sde + "\"");
  }
  return std::optional<int64_t>(static_cast<int64_t>(v));
}

std::string Rfc3339(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<ImportResult> ImportRootfs(OciLayout& store, Reader& tarball, const Reference& name,
                                  const ImportOptions& options) {
  // Edits are checked before any work.
  ContainerConfig container;
  for (const auto& change : options.changes) HOIST_TRY(ApplyConfigChange(container, change));

  HOIST_TRY_ASSIGN(auto lease, store.BeginWrite());
  HOIST_TRY(MakeDirs(store.paths().TempDir()));
  std::string spool = store.paths().TempDir() + "/import-XXXXXX";
  int fd = ::mkostemp(spool.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("create a temporary file in " + store.paths().TempDir(), errno);
  ::unlink(spool.c_str());  // the compressed layer lives only as long as this process
  FdWriter file(fd, /*owned=*/false);
  FdReader file_reader(fd, /*owned=*/true);

  DigestingWriter compressed(file);
  HOIST_TRY_ASSIGN(auto gzip, NewCompressingWriter(compressed, Compression::kGzip));
  DigestingWriter uncompressed(*gzip);
  {
    DecompressOptions dopt;
    dopt.max_output = options.max_expanded_size;
    auto plain = DecompressAuto(tarball, dopt);
    TarWriter layer_tar(uncompressed);
    auto st = CopyLayerEntries(*plain, layer_tar);
    if (!st.ok()) return std::move(st).error().WithContext("reading the root filesystem tarball");
  }
  HOIST_TRY(gzip->Close());
  ImportResult result;
  result.diff_id = uncompressed.Finish();
  Digest layer_digest = compressed.Finish();
  int64_t layer_size = static_cast<int64_t>(compressed.bytes());
  if (::lseek(fd, 0, SEEK_SET) != 0) return ErrnoError("seek " + spool, errno);
  HOIST_TRY(store.PutBlob(file_reader, layer_digest, layer_size));
  (void)LayerSizes::Record(store, layer_digest, uncompressed.bytes());  // a cache: images computes it otherwise

  ImageConfig config(options.platform);
  HOIST_TRY_ASSIGN(std::string created, CreatedTime(options));
  config.set_created(created);
  config.set_config(container);
  HistoryEntry history;
  history.created = created;
  history.created_by = "hoist import";
  history.comment = options.message;
  config.AddLayer(result.diff_id, history);
  HOIST_TRY_ASSIGN(Descriptor config_desc, store.PutBytes(config.raw(), std::string(kOciConfig)));
  result.config = config_desc.digest;

  Descriptor layer;
  layer.media_type = kOciLayerGzip;
  layer.digest = layer_digest;
  layer.size = layer_size;
  Manifest manifest(std::string(kOciManifest), config_desc, {layer});
  HOIST_TRY_ASSIGN(result.manifest, store.PutBytes(manifest.raw(), std::string(kOciManifest)));
  HOIST_TRY(store.SetName(name, result.manifest));
  return result;
}

}  // namespace hoist::store
