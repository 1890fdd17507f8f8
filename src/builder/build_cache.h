#pragma once
// The step cache of `hoist build`: one small JSON record per step that changed the filesystem,
// kept in the store's private area (<store>/.hoist/build-cache/<hex>.json) under a key that hashes
// the parent state (the chain of every earlier step's key), the instruction after substitution and,
// for COPY/ADD, the sources' contents. A record names the layer blob the step made (or none when the
// step changed nothing); the blobs stay ordinary store blobs.
//
// Prune does not know these records: a record whose layer blob was pruned counts as a miss (the
// step runs again and the record is replaced), so pruning never breaks a build.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/descriptor.h"
#include "core/digest.h"
#include "store/oci_layout.h"

namespace hoist::builder {

struct CachedStep {
  std::optional<Descriptor> layer;  // nullopt: the step changed nothing
  Digest diff_id = Digest::Of("");
  std::string created;  // when the step first ran (RFC 3339), kept in the history as docker does
};

// A record as JSON ({"layer": descriptor|null, "diff_id", "created"}), in the store and in an
// exported cache alike; nullopt for anything else.
nlohmann::ordered_json CachedStepToJson(const CachedStep& step);
std::optional<CachedStep> CachedStepFromJson(const nlohmann::ordered_json& j);

// Chains keys: H(parent, parts...). The parts are separated unambiguously.
Digest CacheKey(const Digest& parent, std::initializer_list<std::string_view> parts);

class BuildCache {
 public:
  explicit BuildCache(const store::OciLayout& layout) : layout_(layout) {}

  // A usable record: present, well-formed, and its layer still in the store.
  std::optional<CachedStep> Lookup(const Digest& key) const;
  Status Store(const Digest& key, const CachedStep& step) const;

  // The image a whole stage chain made (so an unchanged rebuild gives the same image ID, its
  // history times included): the manifest, while it is still in the store.
  std::optional<Descriptor> LookupImage(const Digest& chain) const;
  Status StoreImage(const Digest& chain, const Descriptor& manifest) const;

 private:
  std::string PathOf(const Digest& key) const;
  const store::OciLayout& layout_;
};

}  // namespace hoist::builder
