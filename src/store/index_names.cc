// OciLayout: index.json and the names it holds (org.opencontainers.image.ref.name annotations).
#include "store/index_names.h"

#include <algorithm>
#include <atomic>
#include <unordered_map>
#include <unordered_set>

#include "core/fs.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "store/index_file.h"
#include "store/oci_layout.h"

namespace hoist::store {

namespace {

// Whether the entry's ref.name names `ref` (compared in normalized form, so "alpine" written by
// another tool matches docker.io/library/alpine:latest).
bool EntryNames(const Descriptor& entry, const Reference& ref, const std::string& ref_str) {
  auto it = entry.annotations.find(kRefNameAnnotation);
  if (it == entry.annotations.end()) return false;
  if (it->second == ref_str) return true;
  auto parsed = Reference::Parse(it->second);
  return parsed.ok() && !parsed->digest() && *parsed == ref;
}

std::atomic<uint64_t> index_writes{0};

Status RequireTagOnly(const Reference& ref) {
  if (ref.digest()) {
    return InvalidArgument("a name in the store cannot carry a digest: " + ref.Familiar() +
                           " (names are REPOSITORY:TAG)");
  }
  return Ok();
}

}  // namespace

Result<Index> OciLayout::ReadIndex() const {
  HOIST_TRY_ASSIGN(IndexFile f, ReadIndexFile(paths_.IndexFile()));
  Index index{std::string(kOciIndex), std::move(f.manifests)};
  // The top-level annotations are the only other index.json field the Index type carries.
  auto annotations = spec_json::GetStringMap(f.doc, "annotations", "");
  if (annotations.ok() && !annotations->empty()) index.set_annotations(std::move(annotations).value());
  return index;
}

Status OciLayout::UpdateIndex(const std::function<Status(std::vector<Descriptor>& manifests)>& edit) {
  HOIST_TRY(MakeDirs(paths_.PrivateDir()));
  HOIST_TRY_ASSIGN(FileLock lock, FileLock::Acquire(paths_.IndexLock()));
  HOIST_TRY_ASSIGN(IndexFile f, ReadIndexFile(paths_.IndexFile()));
  HOIST_TRY(edit(f.manifests));
  index_writes.fetch_add(1, std::memory_order_relaxed);
  return AtomicWriteFile(paths_.IndexFile(), RenderIndexFile(f));
}

Result<std::vector<OciLayout::NamedImage>> OciLayout::ListNamed() const {
  HOIST_TRY_ASSIGN(IndexFile f, ReadIndexFile(paths_.IndexFile()));
  std::vector<NamedImage> out;
  out.reserve(f.manifests.size());
  for (auto& d : f.manifests) {
    auto it = d.annotations.find(kRefNameAnnotation);
    if (it == d.annotations.end()) continue;
    auto ref = Reference::Parse(it->second);
    if (!ref.ok() || ref->digest()) continue;
    out.push_back(NamedImage{std::move(ref).value(), std::move(d)});
  }
  return out;
}

Result<Descriptor> OciLayout::Resolve(const Reference& ref) const {
  HOIST_TRY_ASSIGN(IndexFile f, ReadIndexFile(paths_.IndexFile()));
  if (ref.digest()) {
    const Digest& want = *ref.digest();
    for (const auto& d : f.manifests) {
      if (d.digest == want) return d;
    }
    if (!HasBlob(want)) return NotFound("image " + ref.Familiar() + " is not in the store " + root());
    HOIST_TRY_ASSIGN(std::string raw, ReadBlob(want, kMaxManifestSize));
    auto any = ParseAnyManifest(std::move(raw));
    if (!any.ok()) {
      return InvalidArgument(want.str() + " in the store is not an image manifest or index: " +
                             any.error().message());
    }
    return std::visit([](const auto& m) { return m.ToDescriptor(); }, *any);
  }
  const std::string ref_str = ref.str();
  for (const auto& d : f.manifests) {
    if (EntryNames(d, ref, ref_str)) return d;
  }
  return NotFound("image " + ref.Familiar() + " is not in the store " + root());
}

Status OciLayout::SetName(const Reference& ref, const Descriptor& manifest) {
  return SetNames(*this, {{ref, manifest}});
}

uint64_t IndexWritesSoFar() { return index_writes.load(std::memory_order_relaxed); }

Status SetNames(OciLayout& layout, const std::vector<std::pair<Reference, Descriptor>>& names,
                const std::vector<Descriptor>& unnamed) {
  // By full normalized name: the new entry for it (the last one given wins, as with SetName calls).
  std::unordered_map<std::string, Descriptor> wanted;
  std::vector<std::string> order;  // first appearance, for names that are new to index.json
  wanted.reserve(names.size());
  for (const auto& [ref, manifest] : names) {
    HOIST_TRY(RequireTagOnly(ref));
    std::string ref_str = ref.str();
    Descriptor entry = manifest;
    entry.annotations[kRefNameAnnotation] = ref_str;
    entry.data.reset();  // index.json lists, it does not embed
    auto [it, inserted] = wanted.insert_or_assign(ref_str, std::move(entry));
    if (inserted) order.push_back(it->first);
  }
  return layout.UpdateIndex([&](std::vector<Descriptor>& list) -> Status {
    // Replace in place (a name keeps its position); drop any other entry of the same name.
    std::unordered_set<std::string> placed;
    std::vector<Descriptor> out;
    out.reserve(list.size() + wanted.size() + unnamed.size());
    for (auto& d : list) {
      auto name = d.annotations.find(kRefNameAnnotation);
      auto hit = wanted.end();
      if (name != d.annotations.end()) {
        hit = wanted.find(name->second);
        if (hit == wanted.end() && !wanted.empty()) {
          // Another tool may write a short form ("alpine"): compare normalized.
          auto parsed = Reference::Parse(name->second);
          if (parsed.ok() && !parsed->digest()) hit = wanted.find(parsed->str());
        }
      }
      if (hit == wanted.end()) {
        out.push_back(std::move(d));
      } else if (placed.insert(hit->first).second) {
        out.push_back(hit->second);
      }
    }
    for (const std::string& n : order) {
      if (!placed.count(n)) out.push_back(wanted.at(n));
    }
    // An unnamed image is kept without a name (docker's dangling image), once.
    std::unordered_set<Digest> present;
    for (const auto& d : out) present.insert(d.digest);
    for (const auto& root : unnamed) {
      if (!present.insert(root.digest).second) continue;
      Descriptor entry;
      entry.media_type = root.media_type;
      entry.digest = root.digest;
      entry.size = root.size;
      out.push_back(std::move(entry));
    }
    list = std::move(out);
    return Ok();
  });
}

Status OciLayout::RemoveName(const Reference& ref) {
  HOIST_TRY(RequireTagOnly(ref));
  const std::string ref_str = ref.str();
  return UpdateIndex([&](std::vector<Descriptor>& list) -> Status {
    auto gone = std::remove_if(list.begin(), list.end(),
                               [&](const Descriptor& d) { return EntryNames(d, ref, ref_str); });
    if (gone == list.end()) return NotFound("image " + ref.Familiar() + " is not in the store " + root());
    list.erase(gone, list.end());
    return Ok();
  });
}

}  // namespace hoist::store
