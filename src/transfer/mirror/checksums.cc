#include "transfer/mirror/checksums.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/digest.h"
#include "core/fs.h"
#include "core/io.h"
#include "core/tar_path.h"
#include "transfer/mirror/catalog.h"

namespace hoist::transfer::mirror {

namespace fs = std::filesystem;

namespace {

// Relative paths of the regular files below `dir`, .hoist/ and SHA256SUMS left out.
Result<std::vector<std::string>> Walk(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string rel = fs::relative(it->path(), dir).string();
    if (it->is_directory() && rel == ".hoist") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || rel == kChecksumFile) continue;
    out.push_back(rel);
  }
  if (ec) return IOError("reading bundle " + dir + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> HashFile(const std::string& path) {
  HOIST_TRY_ASSIGN(auto in, FdReader::Open(path));
  Hasher h;
  ByteBuffer buf(1 << 20);
  for (;;) {
    HOIST_TRY_ASSIGN(size_t n, in->Read(buf.data(), buf.size()));
    if (n == 0) break;
    h.Update(buf.data(), n);
  }
  return h.Finish().hex();
}

// blobs/sha256/<hex> → <hex>; "" for other files.
std::string BlobHex(const std::string& rel) {
  const std::string prefix = "blobs/sha256/";
  if (rel.rfind(prefix, 0) != 0) return "";
  std::string hex = rel.substr(prefix.size());
  return hex.size() == 64 && hex.find('/') == std::string::npos ? hex : "";
}

Result<std::map<std::string, std::string>> ReadSums(const std::string& dir) {
  HOIST_TRY_ASSIGN(std::string text, ReadFileToString(dir + "/" + kChecksumFile, 64 << 20));
  std::map<std::string, std::string> sums;  // path → hex
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    if (line.empty()) continue;
    if (line.size() < 67 || line.substr(64, 2) != "  ") return ParseError(std::string(kChecksumFile) + ": bad line \"" + line + "\"");
    auto clean = CleanEntryPath(line.substr(66));
    if (!clean.ok()) return std::move(clean).error().WithContext(kChecksumFile);
    sums[*clean] = line.substr(0, 64);
  }
  return sums;
}

}  // namespace

Status WriteChecksums(const std::string& dir) {
  HOIST_TRY_ASSIGN(auto files, Walk(dir));
  std::string out;
  for (const auto& rel : files) {
    std::string hex = BlobHex(rel);
    if (hex.empty()) {
      HOIST_TRY_ASSIGN(hex, HashFile(dir + "/" + rel));
    }
    out += hex + "  " + rel + "\n";
  }
  return AtomicWriteFile(dir + "/" + kChecksumFile, out);
}

Status VerifyChecksums(const std::string& dir) {
  auto sums = ReadSums(dir);
  if (!sums.ok()) return std::move(sums).error().WithContext("bundle " + dir);
  HOIST_TRY_ASSIGN(auto files, Walk(dir));
  for (const auto& rel : files) {
    if (!sums->count(rel)) return DigestMismatch("bundle " + dir + ": " + rel + " is not listed in " + kChecksumFile);
  }
  for (const auto& [rel, want] : *sums) {
    if (!fs::is_regular_file(dir + "/" + rel)) return NotFound("bundle " + dir + ": " + rel + " is missing");
    HOIST_TRY_ASSIGN(std::string got, HashFile(dir + "/" + rel));
    if (got != want) return DigestMismatch("bundle " + dir + ": " + rel + " does not match its checksum (damaged or tampered)");
    std::string hex = BlobHex(rel);
    if (!hex.empty() && hex != got) return DigestMismatch("bundle " + dir + ": blob " + rel + " does not match its digest");
  }
  return Ok();
}

Result<std::vector<std::string>> BundleFiles(const std::string& dir) {
  HOIST_TRY_ASSIGN(auto sums, ReadSums(dir));
  std::vector<std::string> out;
  for (const auto& [rel, hex] : sums) out.push_back(rel);
  out.push_back(kChecksumFile);
  return out;
}

}  // namespace hoist::transfer::mirror
