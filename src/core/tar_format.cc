#include "core/tar_format.h"

#include <cstring>

#include "core/tar_entry.h"
#include "core/tar_path.h"

namespace hoist {

std::string_view TarEntryTypeName(TarEntryType type) {
  switch (type) {
    case TarEntryType::kRegular: return "regular file";
    case TarEntryType::kDirectory: return "directory";
    case TarEntryType::kSymlink: return "symlink";
    case TarEntryType::kHardlink: return "hardlink";
    case TarEntryType::kCharDevice: return "character device";
    case TarEntryType::kBlockDevice: return "block device";
    case TarEntryType::kFifo: return "fifo";
  }
  return "unknown";
}

Result<int64_t> ParseTarNumber(std::string_view field) {
  if (!field.empty() && (static_cast<unsigned char>(field[0]) & 0x80)) {
    // GNU base-256: big-endian two's complement in the bits after the marker bit.
    unsigned char inv = (static_cast<unsigned char>(field[0]) & 0x40) ? 0xff : 0x00;
    uint64_t x = 0;
    for (size_t i = 0; i < field.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(field[i]) ^ inv;
      if (i == 0) c &= 0x7f;
      if ((x >> 56) > 0) return ParseError("base-256 number is out of range");
      x = (x << 8) | c;
    }
    if ((x >> 63) > 0) return ParseError("base-256 number is out of range");
    return inv == 0xff ? ~static_cast<int64_t>(x) : static_cast<int64_t>(x);
  }
  size_t b = 0, e = field.size();
  while (b < e && (field[b] == ' ' || field[b] == '\0')) ++b;
  while (e > b && (field[e - 1] == ' ' || field[e - 1] == '\0')) --e;
  uint64_t x = 0;
  for (size_t i = b; i < e; ++i) {
    char c = field[i];
    if (c < '0' || c > '7') return ParseError("invalid octal number " + QuotePath(field));
    if ((x >> 60) > 0) return ParseError("octal number is out of range");
    x = (x << 3) | static_cast<uint64_t>(c - '0');
  }
  if ((x >> 63) > 0) return ParseError("octal number is out of range");
  return static_cast<int64_t>(x);
}

bool FormatTarOctal(char* block, TarField f, uint64_t value) {
  size_t digits = f.size - 1;
  if (digits < 21 && (value >> (3 * digits)) != 0) return false;
  char* p = block + f.offset;
  for (size_t i = digits; i-- > 0;) {
    p[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  p[digits] = '\0';
  return true;
}

void FormatTarString(char* block, TarField f, std::string_view s) {
  std::memset(block + f.offset, 0, f.size);
  if (!s.empty()) std::memcpy(block + f.offset, s.data(), std::min(s.size(), f.size));
}

std::string_view TarString(const char* block, TarField f) {
  std::string_view v = f.In(block);
  size_t nul = v.find('\0');
  return nul == std::string_view::npos ? v : v.substr(0, nul);
}

void TarChecksums(const char* block, int64_t* unsigned_sum, int64_t* signed_sum) {
  int64_t u = 0, s = 0;
  for (size_t i = 0; i < kTarBlockSize; ++i) {
    bool in_field = i >= kTarChecksum.offset && i < kTarChecksum.offset + kTarChecksum.size;
    char c = in_field ? ' ' : block[i];
    u += static_cast<unsigned char>(c);
    s += static_cast<signed char>(c);
  }
  *unsigned_sum = u;
  *signed_sum = s;
}

std::string EncodePaxRecord(std::string_view key, std::string_view value) {
  size_t body = key.size() + value.size() + 3;  // ' ', '=', '\n'
  size_t n = body + 1;
  while (n != body + std::to_string(n).size()) n = body + std::to_string(n).size();
  std::string rec = std::to_string(n);
  rec += ' ';
  rec += key;
  rec += '=';
  rec += value;
  rec += '\n';
  return rec;
}

Status ParsePaxRecords(std::string_view data, std::map<std::string, std::string>* out) {
  while (!data.empty()) {
    if (data.find_first_not_of('\0') == std::string_view::npos) break;  // NUL padding
    size_t sp = data.find(' ');
    if (sp == 0 || sp == std::string_view::npos || sp > 20) {
      return ParseError("malformed PAX record: missing length");
    }
    uint64_t n = 0;
    for (size_t i = 0; i < sp; ++i) {
      if (data[i] < '0' || data[i] > '9') return ParseError("malformed PAX record length");
      n = n * 10 + static_cast<uint64_t>(data[i] - '0');
    }
    if (n <= sp + 1 || n > data.size()) return ParseError("malformed PAX record: bad length");
    std::string_view rec = data.substr(sp + 1, n - sp - 1);
    if (rec.back() != '\n') return ParseError("malformed PAX record: missing newline");
    rec.remove_suffix(1);
    size_t eq = rec.find('=');
    if (eq == 0 || eq == std::string_view::npos) {
      return ParseError("malformed PAX record: missing key");
    }
    (*out)[std::string(rec.substr(0, eq))] = std::string(rec.substr(eq + 1));
    data.remove_prefix(n);
  }
  return Ok();
}

}  // namespace hoist
