#include "core/tar_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/tar_format.h"
#include "core/tar_path.h"

namespace hoist {

namespace {

bool AllZero(const char* block) {
  for (size_t i = 0; i < kTarBlockSize; ++i) {
    if (block[i] != 0) return false;
  }
  return true;
}

uint64_t Padding(uint64_t size) { return (kTarBlockSize - size % kTarBlockSize) % kTarBlockSize; }

// Non-negative decimal as PAX writes size, uid and gid.
Result<uint64_t> ParsePaxDecimal(const std::string& key, const std::string& v) {
  if (v.empty() || v.size() > 19) return ParseError("invalid PAX " + key + " " + QuotePath(v));
  uint64_t x = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return ParseError("invalid PAX " + key + " " + QuotePath(v));
    x = x * 10 + static_cast<uint64_t>(c - '0');
  }
  if (x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return ParseError("PAX " + key + " " + QuotePath(v) + " is out of range");
  }
  return x;
}

// "[-]seconds[.fraction]" → seconds (floored) and nanoseconds.
Status ParsePaxTime(const std::string& v, int64_t* sec, uint32_t* nsec) {
  Error bad = ParseError("invalid PAX mtime " + QuotePath(v));
  std::string_view s = v;
  bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 18) return bad;
  int64_t w = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return bad;
    w = w * 10 + (c - '0');
  }
  uint32_t ns = 0;
  for (size_t i = 0; i < frac.size(); ++i) {
    if (frac[i] < '0' || frac[i] > '9') return bad;
    if (i < 9) ns = ns * 10 + static_cast<uint32_t>(frac[i] - '0');
  }
  for (size_t i = frac.size(); i < 9; ++i) ns *= 10;
  if (negative && ns > 0) {
    *sec = -w - 1;
    *nsec = 1000000000 - ns;
  } else {
    *sec = negative ? -w : w;
    *nsec = ns;
  }
  return Ok();
}

// Merges PAX records into `into`; an empty value removes the key (POSIX: "unset").
void MergePax(const std::map<std::string, std::string>& from,
              std::map<std::string, std::string>& into) {
  for (const auto& [k, v] : from) {
    if (v.empty()) {
      into.erase(k);
    } else {
      into[k] = v;
    }
  }
}

std::string StripTrailingNuls(std::string s) {
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

}  // namespace

TarReader::TarReader(Reader& in, TarReaderOptions options) : in_(in), options_(options) {}

Error TarReader::Truncated() const {
  return ParseError("tar: unexpected end of archive in " + current_ + " (the archive is truncated)");
}

Result<size_t> TarReader::DataReader::Read(char* buf, size_t n) {
  TarReader& t = owner_;
  if (t.error_) return *t.error_;
  if (t.remaining_ == 0 || n == 0) return size_t{0};
  n = static_cast<size_t>(std::min<uint64_t>(n, t.remaining_));
  auto k = t.in_.Read(buf, n);
  if (!k.ok()) {
    t.error_ = k.error();
    return k;
  }
  if (*k == 0) {
    t.error_ = t.Truncated();
    return *t.error_;
  }
  t.remaining_ -= *k;
  t.offset_ += *k;
  return k;
}

Result<bool> TarReader::ReadBlock(char* block) {
  size_t got = 0;
  while (got < kTarBlockSize) {
    HOIST_TRY_ASSIGN(size_t k, in_.Read(block + got, kTarBlockSize - got));
    if (k == 0) break;
    got += k;
  }
  if (got == 0) return false;
  if (got < kTarBlockSize) {
    return ParseError("tar: archive ends inside a header at offset " + std::to_string(offset_) +
                      " (the archive is truncated)");
  }
  offset_ += kTarBlockSize;
  return true;
}

Status TarReader::Skip(uint64_t n) {
  char buf[16 * 1024];
  while (n > 0) {
    HOIST_TRY_ASSIGN(size_t k, in_.Read(buf, static_cast<size_t>(std::min<uint64_t>(n, sizeof buf))));
    if (k == 0) return Truncated();
    n -= k;
    offset_ += k;
  }
  return Ok();
}

Result<std::string> TarReader::ReadMetadata(uint64_t size, const char* what,
                                            uint64_t header_offset) {
  if (size > options_.max_metadata_size) {
    return TooLarge("tar: " + std::string(what) + " at offset " + std::to_string(header_offset) +
                    " is " + std::to_string(size) + " bytes, over the limit of " +
                    std::to_string(options_.max_metadata_size));
  }
  std::string body(static_cast<size_t>(size), '\0');
  auto st = ReadFull(in_, body.data(), body.size());
  if (!st.ok()) {
    if (st.error().code() != ErrorCode::kParse) return std::move(st).error();
    return ParseError("tar: archive ends inside a " + std::string(what) + " at offset " +
                      std::to_string(header_offset) + " (the archive is truncated)");
  }
  offset_ += size;
  current_ = "the padding of a " + std::string(what);
  HOIST_TRY(Skip(Padding(size)));
  return body;
}

Result<std::optional<TarEntry>> TarReader::Next() {
  if (error_) return *error_;
  if (done_) return std::optional<TarEntry>();
  auto r = NextImpl();
  if (!r.ok()) error_ = r.error();
  return r;
}

Result<std::optional<TarEntry>> TarReader::NextImpl() {
  HOIST_TRY(Skip(remaining_ + skip_after_));
  remaining_ = skip_after_ = 0;

  std::map<std::string, std::string> local;
  std::optional<std::string> long_name, long_link;
  bool pending_meta = false;  // an extended header waits for the entry it describes
  char block[kTarBlockSize];
  for (;;) {
    uint64_t at = offset_;
    auto where = [&] { return "tar: header at offset " + std::to_string(at); };
    HOIST_TRY_ASSIGN(bool got, ReadBlock(block));
    if (!got || AllZero(block)) {
      if (pending_meta) {
        return ParseError(where() + ": the archive ends after an extended header, without its entry");
      }
      // A second zero block normally follows; GNU tar also stops at a lone one, and so do we.
      if (got) HOIST_TRY(ReadBlock(block));
      done_ = true;
      return std::optional<TarEntry>();
    }
    int64_t u = 0, s = 0;
    TarChecksums(block, &u, &s);
    auto stored = ParseTarNumber(kTarChecksum.In(block));
    if (!stored.ok() || (*stored != u && *stored != s)) {
      return ParseError(where() + " has a bad checksum (the archive is corrupt, or not a tar file)");
    }
    auto size_field = ParseTarNumber(kTarSize.In(block));
    if (!size_field.ok() || *size_field < 0) {
      return ParseError(where() + " has an invalid size field");
    }
    uint64_t size = static_cast<uint64_t>(*size_field);
    char flag = block[kTarTypeflag.offset];
    switch (flag) {
      case 'x': {
        HOIST_TRY_ASSIGN(std::string body, ReadMetadata(size, "PAX extended header", at));
        auto st = ParsePaxRecords(body, &local);
        if (!st.ok()) return ParseError(where() + ": " + st.error().message());
        pending_meta = true;
        continue;
      }
      case 'g': {
        HOIST_TRY_ASSIGN(std::string body, ReadMetadata(size, "PAX global header", at));
        std::map<std::string, std::string> records;
        auto st = ParsePaxRecords(body, &records);
        if (!st.ok()) return ParseError(where() + ": " + st.error().message());
        if (options_.apply_global_headers) {
          MergePax(records, global_);
          uint64_t total = 0;
          for (const auto& [k, v] : global_) total += k.size() + v.size();
          if (total > options_.max_metadata_size) {
            return TooLarge(where() + ": PAX global headers exceed the limit of " +
                            std::to_string(options_.max_metadata_size) + " bytes");
          }
        }
        continue;
      }
      case 'L':
      case 'K': {
        const char* what = flag == 'L' ? "GNU long name" : "GNU long link name";
        HOIST_TRY_ASSIGN(std::string body, ReadMetadata(size, what, at));
        (flag == 'L' ? long_name : long_link) = StripTrailingNuls(std::move(body));
        pending_meta = true;
        continue;
      }
      case 'V':  // GNU volume label: not a file
        current_ = "a GNU volume label";
        HOIST_TRY(Skip(size + Padding(size)));
        continue;
      default:
        break;
    }

    TarEntry e;
    std::string_view magic = kTarMagic.In(block);
    bool posix = magic == std::string_view("ustar\0", 6);
    std::string name(TarString(block, kTarName));
    std::string_view prefix = posix ? TarString(block, kTarPrefix) : std::string_view();
    if (!prefix.empty()) name = std::string(prefix) + "/" + name;
    e.path = long_name ? *long_name : name;
    e.link_target = long_link ? *long_link : std::string(TarString(block, kTarLinkname));
    auto bad = [&](const char* field) {
      return ParseError(where() + " (entry " + QuotePath(e.path) + ") has an invalid " + field +
                        " field");
    };
    auto mode = ParseTarNumber(kTarMode.In(block));
    auto uid = ParseTarNumber(kTarUid.In(block));
    auto gid = ParseTarNumber(kTarGid.In(block));
    auto mtime = ParseTarNumber(kTarMtime.In(block));
    if (!mode.ok() || *mode < 0) return bad("mode");
    if (!uid.ok() || *uid < 0) return bad("uid");
    if (!gid.ok() || *gid < 0) return bad("gid");
    if (!mtime.ok()) return bad("mtime");
    e.mode = static_cast<uint32_t>(*mode & 07777);
    e.uid = static_cast<uint64_t>(*uid);
    e.gid = static_cast<uint64_t>(*gid);
    e.mtime = *mtime;
    e.uname = TarString(block, kTarUname);
    e.gname = TarString(block, kTarGname);
    e.size = size;

    std::map<std::string, std::string> pax = global_;
    MergePax(local, pax);
    auto st = ApplyPax(pax, e);
    if (!st.ok()) return Error(st.error().code(), where() + ": " + st.error().message());
    current_ = "the data of entry " + QuotePath(e.path);

    uint64_t data_size = e.size;
    bool has_data = false;  // whether the data is the entry's content (else it is skipped)
    switch (flag) {
      case '0': case '\0': case '7':
        // Pre-POSIX archives mark directories only by a trailing slash.
        if (!e.path.empty() && e.path.back() == '/') {
          e.type = TarEntryType::kDirectory;
        } else {
          e.type = TarEntryType::kRegular;
          has_data = true;
        }
        break;
      case '1': e.type = TarEntryType::kHardlink; data_size = 0; break;
      case '2': e.type = TarEntryType::kSymlink; data_size = 0; break;
      case '3': e.type = TarEntryType::kCharDevice; data_size = 0; break;
      case '4': e.type = TarEntryType::kBlockDevice; data_size = 0; break;
      case '5': e.type = TarEntryType::kDirectory; data_size = 0; break;
      case '6': e.type = TarEntryType::kFifo; data_size = 0; break;
      case 'D': e.type = TarEntryType::kDirectory; break;  // GNU dumpdir: listing is skipped
      default: {
        std::string t = (flag >= 0x20 && flag < 0x7f) ? std::string(1, flag)
                                                       : QuotePath(std::string_view(&flag, 1));
        return Unsupported(where() + ": entry " + QuotePath(e.path) + " has unsupported type '" +
                           t + "'" + (flag == 'S' ? " (GNU sparse file)" : ""));
      }
    }
    if (e.type == TarEntryType::kCharDevice || e.type == TarEntryType::kBlockDevice) {
      auto major = ParseTarNumber(kTarDevMajor.In(block));
      auto minor = ParseTarNumber(kTarDevMinor.In(block));
      if (!major.ok() || *major < 0 || *major > 0xffffffff) return bad("devmajor");
      if (!minor.ok() || *minor < 0 || *minor > 0xffffffff) return bad("devminor");
      e.dev_major = static_cast<uint32_t>(*major);
      e.dev_minor = static_cast<uint32_t>(*minor);
    }
    if (!has_data) e.size = 0;
    remaining_ = has_data ? data_size : 0;
    skip_after_ = (has_data ? 0 : data_size) + Padding(data_size);
    return std::optional<TarEntry>(std::move(e));
  }
}

Status TarReader::ApplyPax(const std::map<std::string, std::string>& pax, TarEntry& e) {
  for (const auto& [key, value] : pax) {
    if (key == "path") {
      e.path = value;
    } else if (key == "linkpath") {
      e.link_target = value;
    } else if (key == "size") {
      HOIST_TRY_ASSIGN(e.size, ParsePaxDecimal(key, value));
    } else if (key == "uid") {
      HOIST_TRY_ASSIGN(e.uid, ParsePaxDecimal(key, value));
    } else if (key == "gid") {
      HOIST_TRY_ASSIGN(e.gid, ParsePaxDecimal(key, value));
    } else if (key == "uname") {
      e.uname = value;
    } else if (key == "gname") {
      e.gname = value;
    } else if (key == "mtime") {
      HOIST_TRY(ParsePaxTime(value, &e.mtime, &e.mtime_nsec));
    } else if (key.rfind("SCHILY.xattr.", 0) == 0 && key.size() > 13) {
      e.xattrs[key.substr(13)] = value;
    } else if (key.rfind("GNU.sparse.", 0) == 0) {
      return Unsupported("entry " + QuotePath(e.path) + " is a GNU sparse file, which is not supported");
    } else {
      e.pax_extra[key] = value;
    }
  }
  return Ok();
}

}  // namespace hoist
