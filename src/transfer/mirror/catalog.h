#pragma once
// hoist-catalog.json: what a bundle holds — every image (source, name, digest, its manifests in
// push order with their tags, its blobs) — and, for incremental bundles, what the receiving side
// already has from earlier bundles (`known`), so `--since` can leave it out.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/descriptor.h"
#include "core/error.h"

namespace hoist::transfer::mirror {

inline constexpr const char* kCatalogFile = "hoist-catalog.json";
inline constexpr const char* kChecksumFile = "SHA256SUMS";

struct CatalogManifest {
  Descriptor descriptor;
  std::string tag;  // "" = by digest
};

struct CatalogImage {
  std::string name;        // "library/alpine:3.19" or "repo@sha256:…"
  std::string repository;  // destination path below the target prefix
  std::string tag;         // "" = by digest
  std::string source;      // "docker://…"
  Descriptor top;
  std::vector<CatalogManifest> manifests;  // push order: children first, attached last
  std::vector<Descriptor> blobs;           // every blob the image needs (some may be in `known`)
};

struct Catalog {
  std::vector<CatalogImage> images;             // in this bundle
  std::map<std::string, std::string> known_images;  // name → digest the other side already has
  std::set<std::string> known_blobs;            // digests the other side already has

  // Everything the other side has once this bundle is imported (for the next --since).
  std::map<std::string, std::string> AllImages() const;
  std::set<std::string> AllBlobs() const;
};

std::string CatalogToJson(const Catalog& c);
// kParse naming what is wrong.
Result<Catalog> ParseCatalog(std::string_view json);
Result<Catalog> LoadCatalog(const std::string& path);

}  // namespace hoist::transfer::mirror
