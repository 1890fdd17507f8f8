#pragma once
// The `docker-archive:FILE[:REF]` source: an ArchiveSource (oci_archive_source.h) reading the
// `docker save` format. Its layers are uncompressed (LayersAreCompressed() is false) and its
// manifest is the one `hoist load` would store for it (Docker schema 2, made the same way every time).

#include "transfer/oci_archive_source.h"

namespace hoist::transfer {

inline Result<std::unique_ptr<ArchiveSource>> OpenDockerArchiveSource(const std::string& path,
                                                                      const std::string& name,
                                                                      const std::string& temp_parent) {
  return ArchiveSource::Open(ArchiveSource::Format::kDockerArchive, path, name, temp_parent);
}

inline Result<std::unique_ptr<ArchiveSource>> OpenOciArchiveSource(const std::string& path,
                                                                   const std::string& name,
                                                                   const std::string& temp_parent) {
  return ArchiveSource::Open(ArchiveSource::Format::kOciArchive, path, name, temp_parent);
}

}  // namespace hoist::transfer
