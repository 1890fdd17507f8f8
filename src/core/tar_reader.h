#pragma once
// A streaming tar reader: ustar, GNU (long names 'L'/'K', base-256 numbers) and PAX (extended and
// global headers). It never seeks and never buffers more than one metadata header, so it reads
// archives of any size straight from a registry stream or a decompressor.
//
//   TarReader tar(in);
//   for (;;) {
//     HOIST_TRY_ASSIGN(auto entry, tar.Next());
//     if (!entry) break;
//     ... Copy(tar.data(), out) ...   // optional: unread data is skipped by the next Next()
//   }
//
// End of archive: two zero blocks, or (like GNU tar) end of input exactly between two entries.
// Input that ends inside a header, a metadata body or an entry's data is an error. Paths are
// returned as stored: check them with TarPathChecker (core/tar_path.h) before extracting.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/io.h"
#include "core/tar_entry.h"

namespace hoist {

struct TarReaderOptions {
  // Largest PAX header, GNU long name or long link body accepted (kTooLarge beyond).
  uint64_t max_metadata_size = 1 << 20;
  // PAX global headers ('g') set defaults for all later entries; false ignores them.
  bool apply_global_headers = true;
};

class TarReader {
 public:
  explicit TarReader(Reader& in, TarReaderOptions options = {});
  TarReader(const TarReader&) = delete;
  TarReader& operator=(const TarReader&) = delete;

  // The next entry, or std::nullopt at the end of the archive. Skips what is left of the previous
  // entry's data. After an error every later call returns the same error.
  Result<std::optional<TarEntry>> Next();

  // The current entry's data: exactly entry.size bytes, then end of stream.
  Reader& data() { return data_; }

  // Bytes of the archive consumed so far.
  uint64_t offset() const { return offset_; }

 private:
  class DataReader : public Reader {
   public:
    explicit DataReader(TarReader& owner) : owner_(owner) {}
    Result<size_t> Read(char* buf, size_t n) override;

   private:
    TarReader& owner_;
  };

  Result<std::optional<TarEntry>> NextImpl();
  Result<bool> ReadBlock(char* block);  // false at a clean end of input
  Status Skip(uint64_t n);
  Result<std::string> ReadMetadata(uint64_t size, const char* what, uint64_t header_offset);
  Status ApplyPax(const std::map<std::string, std::string>& pax, TarEntry& entry);
  Error Truncated() const;

  Reader& in_;
  TarReaderOptions options_;
  DataReader data_{*this};
  uint64_t offset_ = 0;
  uint64_t remaining_ = 0;  // unread data of the current entry
  uint64_t skip_after_ = 0;  // padding (and hidden data) after it
  std::string current_;      // what is being read ("the data of entry …"), for messages
  std::map<std::string, std::string> global_;
  std::optional<Error> error_;
  bool done_ = false;
};

}  // namespace hoist
