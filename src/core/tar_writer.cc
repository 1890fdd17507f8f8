#include "core/tar_writer.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "core/io.h"
#include "core/tar_format.h"
#include "core/tar_path.h"

namespace hoist {

namespace {

constexpr uint64_t kMaxOctal11 = 077777777777;  // size and mtime fields
constexpr uint64_t kMaxOctal7 = 07777777;       // uid, gid, devmajor, devminor

bool IsPlainAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0 && c < 0x7f; });
}

// Splits a path into ustar prefix and name; false when it cannot (same rule as Go's archive/tar).
bool SplitUstarPath(std::string_view path, std::string_view* prefix, std::string_view* name) {
  if (path.size() <= kTarName.size) {
    *prefix = {};
    *name = path;
    return true;
  }
  size_t limit = std::min(path.size(), kTarPrefix.size + 1);
  size_t i = path.substr(0, limit).rfind('/');
  if (i == std::string_view::npos || i == 0) return false;
  size_t name_len = path.size() - i - 1;
  if (name_len == 0 || name_len > kTarName.size || i > kTarPrefix.size) return false;
  *prefix = path.substr(0, i);
  *name = path.substr(i + 1);
  return true;
}

// A stand-in for fields moved to PAX: ASCII, cut to fit, so old readers see something sane.
std::string AsciiStandIn(std::string_view s, size_t max) {
  std::string out(s.substr(0, max));
  for (char& c : out) {
    if (!(c > 0 && c < 0x7f)) c = '_';
  }
  return out;
}

std::string FormatPaxTime(int64_t sec, uint32_t nsec) {
  if (nsec == 0) return std::to_string(sec);
  std::string sign;
  uint64_t whole;
  if (sec < 0) {  // -1.5 is stored as sec=-2, nsec=5e8
    sign = "-";
    whole = static_cast<uint64_t>(-(sec + 1));
    nsec = 1000000000 - nsec;
  } else {
    whole = static_cast<uint64_t>(sec);
  }
  std::string frac = std::to_string(nsec);
  frac.insert(0, 9 - frac.size(), '0');
  while (frac.back() == '0') frac.pop_back();
  return sign + std::to_string(whole) + "." + frac;
}

bool IsManagedPaxKey(const std::string& k) {
  return k == "path" || k == "linkpath" || k == "size" || k == "uid" || k == "gid" ||
         k == "uname" || k == "gname" || k == "mtime" || k == "atime" || k == "ctime" ||
         k.rfind("SCHILY.xattr.", 0) == 0 || k.rfind("GNU.sparse.", 0) == 0;
}

char Typeflag(TarEntryType t) {
  switch (t) {
    case TarEntryType::kRegular: return '0';
    case TarEntryType::kHardlink: return '1';
    case TarEntryType::kSymlink: return '2';
    case TarEntryType::kCharDevice: return '3';
    case TarEntryType::kBlockDevice: return '4';
    case TarEntryType::kDirectory: return '5';
    case TarEntryType::kFifo: return '6';
  }
  return '0';
}

void FinishHeader(char* block) {
  std::memset(block + kTarChecksum.offset, ' ', kTarChecksum.size);
  int64_t u = 0, s = 0;
  TarChecksums(block, &u, &s);
  FormatTarOctal(block, TarField{kTarChecksum.offset, 7}, static_cast<uint64_t>(u));  // "%06o\0 "
}

}  // namespace

TarWriter::TarWriter(Writer& out, TarWriterOptions options) : out_(out), options_(options) {}

Status TarWriter::Emit(const char* p, size_t n) {
  HOIST_TRY(out_.Write(p, n));
  written_ += n;
  return Ok();
}

Status TarWriter::EmitPadding(uint64_t size) {
  static const char kZeros[kTarBlockSize] = {};
  size_t pad = static_cast<size_t>((kTarBlockSize - size % kTarBlockSize) % kTarBlockSize);
  return pad ? Emit(kZeros, pad) : Ok();
}

Status TarWriter::WriteEntry(const TarEntry& entry, Reader* data) {
  if (closed_) return Internal("tar: entry " + QuotePath(entry.path) + " written after Close()");
  if (failed_) return Internal("tar: the writer failed earlier; the archive is incomplete");
  auto st = WriteEntryImpl(entry, data);
  // Invalid arguments are refused before anything is written; anything later leaves a broken archive.
  if (!st.ok() && st.error().code() != ErrorCode::kInvalidArgument) failed_ = true;
  return st;
}

Status TarWriter::WriteEntryImpl(const TarEntry& in, Reader* data) {
  std::string name = "tar entry " + QuotePath(in.path);
  auto invalid = [&](const std::string& why) { return InvalidArgument(name + ": " + why); };
  if (in.path.empty()) return InvalidArgument("tar entry has an empty path");
  for (const std::string* s : {&in.path, &in.link_target, &in.uname, &in.gname}) {
    if (s->find('\0') != std::string::npos) return invalid("contains a NUL byte");
  }
  bool is_device = in.type == TarEntryType::kCharDevice || in.type == TarEntryType::kBlockDevice;
  bool is_link = in.type == TarEntryType::kSymlink || in.type == TarEntryType::kHardlink;
  if (is_link && in.link_target.empty()) return invalid("has an empty link target");
  if (in.type == TarEntryType::kRegular && in.size > 0 && data == nullptr) {
    return invalid("is a " + std::to_string(in.size) + "-byte file but no data was given");
  }
  if (is_device && (in.dev_major > kMaxOctal7 || in.dev_minor > kMaxOctal7)) {
    return invalid("device number is too large for a tar header");
  }
  if (in.mtime_nsec > 999999999) return invalid("mtime nanoseconds out of range");

  int64_t mtime = in.mtime;
  uint32_t nsec = options_.subsecond_mtime ? in.mtime_nsec : 0;
  if (options_.fixed_mtime) {
    mtime = *options_.fixed_mtime;
    nsec = 0;
  } else if (options_.clamp_mtime && mtime >= *options_.clamp_mtime) {
    mtime = *options_.clamp_mtime;
    nsec = 0;
  }
  uint64_t uid = options_.zero_owner ? 0 : in.uid;
  uint64_t gid = options_.zero_owner ? 0 : in.gid;
  std::string_view uname = options_.omit_owner_names ? std::string_view() : in.uname;
  std::string_view gname = options_.omit_owner_names ? std::string_view() : in.gname;
  uint64_t size = in.type == TarEntryType::kRegular ? in.size : 0;

  char h[kTarBlockSize] = {};
  std::map<std::string, std::string> pax;  // sorted: deterministic record order
  std::string_view prefix, short_name;
  if (IsPlainAscii(in.path) && SplitUstarPath(in.path, &prefix, &short_name)) {
    FormatTarString(h, kTarName, short_name);
    FormatTarString(h, kTarPrefix, prefix);
  } else {
    pax["path"] = in.path;
    FormatTarString(h, kTarName, AsciiStandIn(in.path, kTarName.size));
  }
  if (is_link) {
    if (IsPlainAscii(in.link_target) && in.link_target.size() <= kTarLinkname.size) {
      FormatTarString(h, kTarLinkname, in.link_target);
    } else {
      pax["linkpath"] = in.link_target;
      FormatTarString(h, kTarLinkname, AsciiStandIn(in.link_target, kTarLinkname.size));
    }
  }
  FormatTarOctal(h, kTarMode, in.mode & 07777);
  auto number = [&](TarField f, const char* key, uint64_t v, uint64_t max) {
    if (v > max) {
      pax[key] = std::to_string(v);
      v = 0;
    }
    FormatTarOctal(h, f, v);
  };
  number(kTarUid, "uid", uid, kMaxOctal7);
  number(kTarGid, "gid", gid, kMaxOctal7);
  number(kTarSize, "size", size, kMaxOctal11);
  if (nsec != 0 || mtime < 0 || static_cast<uint64_t>(mtime) > kMaxOctal11) {
    pax["mtime"] = FormatPaxTime(mtime, nsec);
  }
  FormatTarOctal(h, kTarMtime, std::clamp<int64_t>(mtime, 0, kMaxOctal11));
  h[kTarTypeflag.offset] = Typeflag(in.type);
  std::memcpy(h + kTarMagic.offset, "ustar\0" "00", 8);
  auto owner_name = [&](TarField f, const char* key, std::string_view v) {
    if (IsPlainAscii(v) && v.size() <= f.size) {
      FormatTarString(h, f, v);
    } else {
      pax[key] = std::string(v);
      FormatTarString(h, f, AsciiStandIn(v, f.size));
    }
  };
  owner_name(kTarUname, "uname", uname);
  owner_name(kTarGname, "gname", gname);
  FormatTarOctal(h, kTarDevMajor, is_device ? in.dev_major : 0);
  FormatTarOctal(h, kTarDevMinor, is_device ? in.dev_minor : 0);
  for (const auto& [k, v] : in.xattrs) {
    if (k.empty() || k.find('=') != std::string::npos || k.find('\0') != std::string::npos) {
      return invalid("has an invalid xattr name " + QuotePath(k));
    }
    pax["SCHILY.xattr." + k] = v;
  }
  for (const auto& [k, v] : in.pax_extra) {
    if (k.empty() || k.find('=') != std::string::npos || k.find('\0') != std::string::npos) {
      return invalid("has an invalid PAX key " + QuotePath(k));
    }
    if (!IsManagedPaxKey(k)) pax[k] = v;
  }
  FinishHeader(h);

  if (!pax.empty()) {
    std::string body;
    for (const auto& [k, v] : pax) body += EncodePaxRecord(k, v);
    char x[kTarBlockSize] = {};
    // Derived from the path only (GNU tar puts its pid here, which breaks reproducibility).
    std::string base = in.path.substr(in.path.find_last_of('/', in.path.size() - 2) + 1);
    FormatTarString(x, kTarName, AsciiStandIn("PaxHeaders/" + base, kTarName.size));
    FormatTarOctal(x, kTarMode, 0644);
    FormatTarOctal(x, kTarUid, 0);
    FormatTarOctal(x, kTarGid, 0);
    if (!FormatTarOctal(x, kTarSize, body.size())) return invalid("PAX header is too large");
    FormatTarOctal(x, kTarMtime, 0);
    x[kTarTypeflag.offset] = 'x';
    std::memcpy(x + kTarMagic.offset, "ustar\0" "00", 8);
    FormatTarOctal(x, kTarDevMajor, 0);
    FormatTarOctal(x, kTarDevMinor, 0);
    FinishHeader(x);
    HOIST_TRY(Emit(x, sizeof x));
    HOIST_TRY(Emit(body.data(), body.size()));
    HOIST_TRY(EmitPadding(body.size()));
  }
  HOIST_TRY(Emit(h, sizeof h));
  if (size > 0) {
    HOIST_TRY(CopyData(in, *data));
    HOIST_TRY(EmitPadding(size));
  }
  return Ok();
}

Status TarWriter::CopyData(const TarEntry& entry, Reader& data) {
  ByteBuffer buf(64 * 1024);
  uint64_t left = entry.size;
  while (left > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(left, buf.size()));
    HOIST_TRY_ASSIGN(size_t k, data.Read(buf.data(), want));
    if (k == 0) {
      return IOError("tar entry " + QuotePath(entry.path) + ": data ended after " +
                     std::to_string(entry.size - left) + " of " + std::to_string(entry.size) +
                     " bytes (did the file change while it was archived?)");
    }
    HOIST_TRY(Emit(buf.data(), k));
    left -= k;
  }
  char extra;
  HOIST_TRY_ASSIGN(size_t k, data.Read(&extra, 1));
  if (k != 0) {
    return IOError("tar entry " + QuotePath(entry.path) + ": data is longer than its declared " +
                   std::to_string(entry.size) + " bytes (did the file change while it was archived?)");
  }
  return Ok();
}

Status TarWriter::Close() {
  if (failed_) return Internal("tar: the writer failed earlier; the archive is incomplete");
  if (closed_) return Ok();
  static const char kZeros[2 * kTarBlockSize] = {};
  auto st = Emit(kZeros, sizeof kZeros);
  if (!st.ok()) {
    failed_ = true;
    return st;
  }
  closed_ = true;
  return Ok();
}

}  // namespace hoist
