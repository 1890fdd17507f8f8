#pragma once
// The tar header block layout and its field codecs, shared by TarReader and TarWriter.
// Internal to the tar code; other modules use tar_reader.h / tar_writer.h.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/error.h"

namespace hoist {

constexpr size_t kTarBlockSize = 512;

struct TarField {
  size_t offset;
  size_t size;
  std::string_view In(const char* block) const { return {block + offset, size}; }
};

// POSIX ustar header fields (GNU uses the prefix area for other things; see TarReader).
inline constexpr TarField kTarName{0, 100};
inline constexpr TarField kTarMode{100, 8};
inline constexpr TarField kTarUid{108, 8};
inline constexpr TarField kTarGid{116, 8};
inline constexpr TarField kTarSize{124, 12};
inline constexpr TarField kTarMtime{136, 12};
inline constexpr TarField kTarChecksum{148, 8};
inline constexpr TarField kTarTypeflag{156, 1};
inline constexpr TarField kTarLinkname{157, 100};
inline constexpr TarField kTarMagic{257, 6};
inline constexpr TarField kTarVersion{263, 2};
inline constexpr TarField kTarUname{265, 32};
inline constexpr TarField kTarGname{297, 32};
inline constexpr TarField kTarDevMajor{329, 8};
inline constexpr TarField kTarDevMinor{337, 8};
inline constexpr TarField kTarPrefix{345, 155};

// Octal (space/NUL padded) or GNU base-256 (high bit of the first byte set).
Result<int64_t> ParseTarNumber(std::string_view field);

// Zero-padded octal ending in NUL; false when `value` does not fit in size-1 digits.
bool FormatTarOctal(char* block, TarField f, uint64_t value);

// Copies s into the field (NUL padded; may fill it without a terminator, as ustar allows).
void FormatTarString(char* block, TarField f, std::string_view s);

// A string field up to its first NUL.
std::string_view TarString(const char* block, TarField f);

// Sum of the header bytes with the checksum field read as spaces: unsigned (POSIX) and signed
// (some historic writers); a reader accepts either.
void TarChecksums(const char* block, int64_t* unsigned_sum, int64_t* signed_sum);

// "<len> <key>=<value>\n" where len counts the whole record.
std::string EncodePaxRecord(std::string_view key, std::string_view value);

// Parses a PAX extended header body; later records override earlier ones.
Status ParsePaxRecords(std::string_view data, std::map<std::string, std::string>* out);

}  // namespace hoist
