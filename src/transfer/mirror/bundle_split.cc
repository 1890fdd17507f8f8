#include "transfer/mirror/bundle_split.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/fs.h"
#include "core/io.h"
#include "core/tar_path.h"
#include "core/tar_reader.h"
#include "core/tar_writer.h"
#include "transfer/mirror/checksums.h"

namespace hoist::transfer::mirror {

namespace {

std::string VolumeName(const std::string& base, int n) {
  char suffix[32];  // room for any int: g++ -O2 checks it
  std::snprintf(suffix, sizeof suffix, ".tar.%03d", n);
  return base + suffix;
}

// A Writer that fills volume after volume.
class VolumeWriter : public Writer {
 public:
  VolumeWriter(std::string base, uint64_t size) : base_(std::move(base)), size_(size) {}
  Status Write(const char* data, size_t n) override {
    while (n > 0) {
      if (!file_ || used_ == size_) HOIST_TRY(Next());
      size_t chunk = static_cast<size_t>(std::min<uint64_t>(n, size_ - used_));
      HOIST_TRY(file_->Write(data, chunk));
      used_ += chunk;
      data += chunk;
      n -= chunk;
    }
    return Ok();
  }
  Status Finish() {
    if (file_) HOIST_TRY(file_->Commit());
    file_.reset();
    for (int n = static_cast<int>(paths_.size()) + 1; std::filesystem::exists(VolumeName(base_, n)); ++n) {
      std::filesystem::remove(VolumeName(base_, n));
    }
    return Ok();
  }
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  Status Next() {
    if (file_) HOIST_TRY(file_->Commit());
    paths_.push_back(VolumeName(base_, static_cast<int>(paths_.size()) + 1));
    HOIST_TRY_ASSIGN(file_, AtomicFile::Create(paths_.back()));
    used_ = 0;
    return Ok();
  }
  std::string base_;
  uint64_t size_;
  uint64_t used_ = 0;
  std::unique_ptr<AtomicFile> file_;
  std::vector<std::string> paths_;
};

// Reads the volumes one after another.
class VolumeReader : public Reader {
 public:
  explicit VolumeReader(std::string base) : base_(std::move(base)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    for (;;) {
      if (!current_) {
        std::string next = VolumeName(base_, index_ + 1);
        if (!std::filesystem::exists(next)) return size_t{0};
        HOIST_TRY_ASSIGN(current_, FdReader::Open(next));
        ++index_;
      }
      HOIST_TRY_ASSIGN(size_t got, current_->Read(buf, n));
      if (got > 0) return got;
      current_.reset();
    }
  }

 private:
  std::string base_;
  int index_ = 0;
  std::unique_ptr<FdReader> current_;
};

}  // namespace

Result<uint64_t> ParseSize(std::string_view text) {
  auto bad = [&] { return InvalidArgument("\"" + std::string(text) + "\" is not a size like 4G, 650M or 100k"); };
  if (text.empty() || text.size() > 20) return bad();
  uint64_t mult = 1;
  switch (text.back()) {
    case 'k': case 'K': mult = 1ull << 10; break;
    case 'm': case 'M': mult = 1ull << 20; break;
    case 'g': case 'G': mult = 1ull << 30; break;
    case 't': case 'T': mult = 1ull << 40; break;
    default: break;
  }
  if (mult > 1) text.remove_suffix(1);
  if (text.empty() || text.size() > 12) return bad();
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad();
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n * mult < 10 * 1024) return InvalidArgument("volume size " + std::string(text) + " is below 10 KiB");
  return n * mult;
}

bool IsFirstVolume(const std::string& path) {
  return path.size() > 8 && path.compare(path.size() - 8, 8, ".tar.001") == 0;
}

Result<std::vector<std::string>> WriteVolumes(const std::string& dir, uint64_t volume_size) {
  std::string base = dir;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  HOIST_TRY_ASSIGN(auto files, BundleFiles(dir));
  VolumeWriter out(base, volume_size);
  TarWriterOptions topts;
  topts.fixed_mtime = 0;
  topts.zero_owner = true;
  topts.omit_owner_names = true;
  TarWriter tar(out, topts);
  for (const auto& rel : files) {
    const std::string path = dir + "/" + rel;
    TarEntry e;
    e.path = rel;
    e.size = std::filesystem::file_size(path);
    HOIST_TRY_ASSIGN(auto in, FdReader::Open(path));
    HOIST_TRY(tar.WriteEntry(e, in.get()));
  }
  HOIST_TRY(tar.Close());
  HOIST_TRY(out.Finish());
  return out.paths();
}

Status ExtractVolumes(const std::string& first, const std::string& into) {
  if (!IsFirstVolume(first)) return InvalidArgument(first + " is not a first volume (….tar.001)");
  VolumeReader in(first.substr(0, first.size() - 8));
  TarReader tar(in);
  TarPathChecker checker;
  for (;;) {
    HOIST_TRY_ASSIGN(auto entry, tar.Next());
    if (!entry) break;
    HOIST_TRY_ASSIGN(std::string rel, checker.Check(*entry));
    const std::string path = into + "/" + rel;
    if (entry->type == TarEntryType::kDirectory) {
      HOIST_TRY(MakeDirs(path));
      continue;
    }
    if (entry->type != TarEntryType::kRegular) {
      return UnsafePath("bundle volume: " + QuotePath(entry->path) + " is not a regular file");
    }
    HOIST_TRY(MakeDirs(DirName(path)));
    HOIST_TRY_ASSIGN(auto file, AtomicFile::Create(path));
    HOIST_TRY_ASSIGN(uint64_t copied, Copy(tar.data(), *file));
    (void)copied;
    HOIST_TRY(file->Commit());
  }
  return Ok();
}

}  // namespace hoist::transfer::mirror
