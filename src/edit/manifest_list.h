#pragma once
// A manifest list being put together with docker's `manifest` verbs (create, annotate, add,
// remove) and kept until `manifest push`: the index's entries and annotations, and where each child
// was found (pushing reads it from there again). One JSON file per list, named by the sha256 of the
// list's reference, in the store's private directory; written atomically.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/descriptor.h"
#include "core/error.h"

namespace hoist::edit {

// Larger list files are refused (a list of thousands of children stays far below it).
inline constexpr size_t kMaxManifestListFile = 4 * 1024 * 1024;

struct ManifestList {
  std::string name;  // the normalized reference the list will be pushed to by default
  std::vector<Descriptor> entries;
  std::map<std::string, std::string> annotations;  // on the index
  std::map<Digest, std::string> sources;           // child digest → the location it came from

  // The entry whose digest is `digest`; nullptr when none.
  Descriptor* Find(const Digest& digest);
};

// A list file's contents (what Save writes) and back; a malformed file is a kParse error saying what
// is wrong, never a partial list.
Result<ManifestList> ParseManifestListFile(std::string_view text);
std::string RenderManifestListFile(const ManifestList& list);

class ManifestListStore {
 public:
  explicit ManifestListStore(std::string dir) : dir_(std::move(dir)) {}
  // nullopt when there is no list of that name.
  Result<std::optional<ManifestList>> Load(const std::string& name) const;
  Status Save(const ManifestList& list) const;
  Status Remove(const std::string& name) const;

 private:
  std::string PathOf(const std::string& name) const;
  std::string dir_;
};

}  // namespace hoist::edit
