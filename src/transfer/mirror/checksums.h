#pragma once
// SHA256SUMS of a bundle, in `sha256sum` format ("<hex>  <path>", sorted), so `sha256sum -c`
// checks it too. It covers every file of the bundle but itself and the layout's private .hoist/.

#include <string>
#include <vector>

#include "core/error.h"

namespace hoist::transfer::mirror {

// Blob files (blobs/sha256/<hex>) are content-addressed and were verified when written: their
// name is their checksum. Every other file is hashed.
Status WriteChecksums(const std::string& dir);

// Hashes every listed file (blobs included) and checks that each blob's name is its hash, and
// that no file of the bundle is missing from the list. kDigestMismatch / kNotFound name the file.
Status VerifyChecksums(const std::string& dir);

// The bundle's files (relative paths) as SHA256SUMS lists them, then SHA256SUMS itself.
Result<std::vector<std::string>> BundleFiles(const std::string& dir);

}  // namespace hoist::transfer::mirror
