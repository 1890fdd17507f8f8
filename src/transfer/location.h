#pragma once
// Where an image lives, as the user writes it (skopeo's transport names):
//   docker://HOST/REPO[:TAG][@DIGEST]   a registry
//   oci:DIR[:REF]                       an OCI image layout directory (REF: its ref.name, as given)
//   oci-archive:FILE[:REF]              an OCI image layout in a tar file (REF: as for oci:)
//   docker-archive:FILE[:REF|:@N]       `docker save` format (@N: the Nth image, reading only)
//   REF                                 the local store (pull, push), when bare references are allowed

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/reference.h"

namespace hoist::transfer {

enum class LocationKind { kRegistry, kStore, kOciLayout, kOciArchive, kDockerArchive };

const char* LocationKindName(LocationKind kind);  // "docker", "store", "oci", …

struct Location {
  LocationKind kind = LocationKind::kStore;
  // kRegistry and kStore: the normalized reference. docker-archive: the REF when it parses as one.
  std::optional<Reference> ref;
  // File kinds: the path, and the REF after it as written ("" when none).
  std::string path;
  std::string name;

  // As the user would write it again ("docker://127.0.0.1:5000/app:1", "oci:/tmp/x:app").
  std::string str() const;
  bool IsFile() const { return kind != LocationKind::kRegistry && kind != LocationKind::kStore; }
};

struct LocationParseOptions {
  bool allow_store = true;   // a bare REF means the store; otherwise it is an error
  bool default_tag = true;   // add ":latest" to references without tag or digest
};

// Errors are kInvalidArgument and quote the input.
Result<Location> ParseLocation(std::string_view text, const LocationParseOptions& options = {});

}  // namespace hoist::transfer
