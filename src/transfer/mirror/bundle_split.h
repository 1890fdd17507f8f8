#pragma once
// --split SIZE: a bundle directory as tar volumes BUNDLE.tar.001, .002, … of at most SIZE bytes
// each — one tar stream cut into pieces (`cat BUNDLE.tar.* | tar x` also unpacks it) — and the way
// back for import.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hoist::transfer::mirror {

// "4G", "650M", "100k", "1048576" (binary units: k = 1024); at least 10 KiB.
Result<uint64_t> ParseSize(std::string_view text);

// Writes the files BundleFiles(dir) lists into volumes `dir`.tar.NNN (each written atomically;
// stale volumes of an earlier split beyond the last are removed). Returns their paths.
Result<std::vector<std::string>> WriteVolumes(const std::string& dir, uint64_t volume_size);

// Whether `path` names a first volume ("….tar.001").
bool IsFirstVolume(const std::string& path);

// Unpacks the volumes starting at `first` (…​.001, .002, … while they exist) into the empty
// directory `into`: regular files and directories only, paths checked to stay inside.
Status ExtractVolumes(const std::string& first, const std::string& into);

}  // namespace hoist::transfer::mirror
