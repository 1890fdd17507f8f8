#include "store/fsck.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <unordered_set>
#include <vector>

#include "core/io.h"
#include "core/temp_owner.h"
#include "store/blob_scan.h"
#include "store/index_file.h"
#include "store/image_walk.h"

namespace hoist::store {

namespace {

using Kind = FsckProblem::Kind;

// The digest of a file's content, streamed.
Result<Digest> HashFile(const std::string& path, DigestAlgorithm alg, uint64_t& bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + path, errno);
  Hasher h(alg);
  ByteBuffer buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return ErrnoError("read " + path, err);
    }
    if (n == 0) break;
    h.Update(buf.data(), static_cast<size_t>(n));
    bytes += static_cast<uint64_t>(n);
  }
  ::close(fd);
  return h.Finish();
}

std::string NameOf(const Descriptor& entry) {
  auto it = entry.annotations.find(kRefNameAnnotation);
  return it == entry.annotations.end() ? "unnamed image " + entry.digest.str() : it->second;
}

class Checker {
 public:
  Checker(OciLayout& layout, const FsckOptions& options) : layout_(layout), options_(options) {}

  Status CheckBlobs() {
    HOIST_TRY_ASSIGN(auto files, ListBlobFiles(layout_.paths()));
    for (const auto& f : files) {
      if (!f.digest) {
        Add(Kind::kStrayFile, f.path, "not a blob: the file name is not a digest", [&] { return Remove(f.path); },
            "removed file");
        continue;
      }
      auto got = HashFile(f.path, f.digest->algorithm(), report.bytes_checked);
      if (!got.ok()) {
        if (got.error().code() == ErrorCode::kNotFound) continue;  // removed meanwhile (not under repair)
        return std::move(got).error();
      }
      ++report.blobs_checked;
      if (!(*got == *f.digest)) {
        Add(Kind::kCorruptBlob, f.digest->str(), "content hashes to " + got->str(), [&] { return Remove(f.path); },
            "removed blob");
      }
    }
    return Ok();
  }

  Status CheckImages() {
    auto index = ReadIndexFile(layout_.paths().IndexFile());
    if (!index.ok()) {
      report.problems.push_back({Kind::kBadIndex, layout_.paths().IndexFile(), index.error().message(), false,
                                 ""});
      return Ok();
    }
    std::vector<Descriptor> broken;  // entries whose image is missing content
    for (const auto& entry : index->manifests) {
      ++report.images_checked;
      std::unordered_set<Digest> seen;  // per image, so each image reports its own problems
      ImageWalk walk = WalkImage(layout_, entry, seen);
      for (const auto& m : walk.missing) {
        report.problems.push_back({Kind::kMissingBlob, m.digest.str(),
                                   NameOf(entry) + " needs it (" + m.media_type + ") but it is not in the store",
                                   false, ""});
      }
      for (const auto& u : walk.unreadable) {
        report.problems.push_back({Kind::kBadManifest, u.descriptor.digest.str(),
                                   NameOf(entry) + ": " + u.error.message(), false, ""});
      }
      if (!walk.complete()) broken.push_back(entry);
    }
    if (options_.repair && !broken.empty()) HOIST_TRY(RemoveEntries(broken));
    return Ok();
  }

  FsckReport report;

 private:
  template <class Fix>
  void Add(Kind kind, std::string subject, std::string detail, Fix fix, const char* what) {
    FsckProblem p{kind, std::move(subject), std::move(detail), false, ""};
    if (options_.repair) {
      Status st = fix();
      p.repaired = st.ok();
      p.repair = st.ok() ? what : "repair failed: " + st.error().message();
    }
    report.problems.push_back(std::move(p));
  }

  Status Remove(const std::string& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoError("remove " + path, errno);
    return Ok();
  }

  // The images are unusable: their names go, and the problems found in them count as repaired.
  Status RemoveEntries(const std::vector<Descriptor>& broken) {
    HOIST_TRY(layout_.UpdateIndex([&](std::vector<Descriptor>& list) -> Status {
      std::vector<Descriptor> kept;
      for (auto& d : list) {
        bool bad = false;
        for (const auto& b : broken) bad = bad || (d.digest == b.digest && d.annotations == b.annotations);
        if (!bad) kept.push_back(std::move(d));
      }
      list = std::move(kept);
      return Ok();
    }));
    for (auto& p : report.problems) {
      if (p.repaired || (p.kind != Kind::kMissingBlob && p.kind != Kind::kBadManifest)) continue;
      p.repaired = true;
      p.repair = "removed the image's name (pull or load it again)";
    }
    for (const auto& b : broken) {
      report.problems.push_back({Kind::kMissingBlob, NameOf(b), "image is incomplete", true, "removed name " + NameOf(b)});
    }
    return Ok();
  }

  OciLayout& layout_;
  const FsckOptions& options_;
};

}  // namespace

const char* FsckProblemName(FsckProblem::Kind kind) {
  switch (kind) {
    case Kind::kBadIndex: return "bad-index";
    case Kind::kCorruptBlob: return "corrupt-blob";
    case Kind::kStrayFile: return "stray-file";
    case Kind::kMissingBlob: return "missing-blob";
    case Kind::kBadManifest: return "bad-manifest";
    case Kind::kLeftoverTemp: return "leftover-temp";
  }
  return "problem";
}

bool FsckReport::clean() const {
  for (const auto& p : problems) {
    if (!p.repaired && p.kind != FsckProblem::Kind::kLeftoverTemp) return false;
  }
  return true;
}

Result<FsckReport> Fsck(OciLayout& layout, const FsckOptions& options) {
  std::optional<FileLock> gc;
  if (options.repair) {
    HOIST_TRY(MakeDirs(layout.paths().PrivateDir()));
    HOIST_TRY_ASSIGN(gc, FileLock::Acquire(layout.paths().GcLock(), FileLock::Mode::kExclusive));
  }
  Checker checker(layout, options);
  HOIST_TRY(checker.CheckBlobs());
  HOIST_TRY(checker.CheckImages());
  HOIST_TRY_ASSIGN(auto ownerless, FindOwnerlessTemps(layout.paths().TempDir(), options.repair));
  for (auto& t : ownerless) {
    FsckProblem p{Kind::kLeftoverTemp, std::move(t.path),
                  "temp space of a command that is no longer running (" + std::to_string(t.bytes) + " bytes)",
                  t.removed, t.removed ? "removed" : ""};
    if (options.repair && !t.removed) p.repair = "repair failed: could not remove it";
    checker.report.problems.push_back(std::move(p));
  }
  return std::move(checker.report);
}

}  // namespace hoist::store
