#pragma once
// ADD's URL sources (`ADD https://… DEST`, `ADD --checksum=sha256:… https://… DEST`), fetched with
// transfer/url_fetch.h into a scratch directory, as docker makes them: named after the URL path's
// last component ("__unnamed__" when it has none), mode 0600, mtime from Last-Modified (else the
// build's time), clamped to SOURCE_DATE_EPOCH / --timestamp. A URL's file is never unpacked, even
// when it is an archive; COPY's rules then put it under DEST.

#include <cstdint>
#include <optional>
#include <string>

#include "core/digest.h"
#include "transfer/url_fetch.h"

namespace hoist::builder {

struct UrlSource {
  std::string dir;   // a scratch directory holding only the file
  std::string name;  // the file's name there, and under a directory destination
  Digest digest = Digest::Of("");
  std::optional<int64_t> last_modified;
};

// The file name docker gives `url`'s content.
std::string UrlSourceName(const std::string& url);

// Fetches `url` into the empty directory `dir`; with `checksum` a body of another digest is an
// error (kDigestMismatch) and leaves no file. `timestamp`: the build's fixed time, if any.
Result<UrlSource> FetchUrlSource(const std::string& url, const std::optional<Digest>& checksum, const std::string& dir,
                                 const transfer::UrlFetchOptions& options, std::optional<int64_t> timestamp);

}  // namespace hoist::builder
