#include "store/blob_scan.h"

#include <sys/stat.h>
#include <unistd.h>

#include <ctime>

#include "core/fs.h"

namespace hoist::store {

namespace {

// Calls `fn(name, stat)` for each entry of `dir`; a missing directory has no entries.
Status ForEachEntry(const std::string& dir, const std::function<void(const std::string&, const struct stat&)>& fn) {
  HOIST_TRY_ASSIGN(auto names, ListDirNamesIfExists(dir));
  for (const std::string& name : names) {
    struct stat st;
    if (::lstat((dir + "/" + name).c_str(), &st) != 0) continue;  // removed meanwhile
    fn(name, st);
  }
  return Ok();
}

}  // namespace

Result<std::vector<BlobFile>> ListBlobFiles(const LayoutPaths& paths) {
  std::vector<BlobFile> out;
  for (DigestAlgorithm alg : {DigestAlgorithm::kSha256, DigestAlgorithm::kSha512}) {
    const std::string dir = paths.BlobDir(alg);
    HOIST_TRY(ForEachEntry(dir, [&](const std::string& name, const struct stat& st) {
      if (!S_ISREG(st.st_mode)) return;
      std::string text(AlgorithmName(alg));
      text += ':';
      text += name;
      auto d = Digest::Parse(text);
      out.push_back(BlobFile{dir + "/" + name, d.ok() ? std::optional<Digest>(*d) : std::nullopt,
                             static_cast<int64_t>(st.st_size)});
    }));
  }
  return out;
}

StaleFiles RemoveStaleFiles(const LayoutPaths& paths, std::chrono::seconds age) {
  StaleFiles out;
  const time_t cutoff = ::time(nullptr) - static_cast<time_t>(age.count());
  auto sweep = [&](const std::string& dir, const std::function<bool(const std::string&)>& wanted) {
    (void)ForEachEntry(dir, [&](const std::string& name, const struct stat& st) {
      if (!S_ISREG(st.st_mode) || !wanted(name) || st.st_mtime > cutoff) return;
      if (::unlink((dir + "/" + name).c_str()) == 0) {
        ++out.removed;
        out.bytes += static_cast<uint64_t>(st.st_size);
      }
    });
  };
  auto any = [](const std::string&) { return true; };
  sweep(paths.PartialDir(), any);
  // AtomicFile names its temp files ".<name>.tmp-XXXXXX" next to the target.
  sweep(paths.root(), [](const std::string& name) {
    return name.rfind(".index.json.tmp-", 0) == 0 || name.rfind(".oci-layout.tmp-", 0) == 0;
  });
  return out;
}

}  // namespace hoist::store
