#include "store/docker_archive_reader.h"

#include <vector>

#include "core/compression.h"
#include "core/image_config.h"
#include "core/io.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "core/spec_json.h"

namespace hoist::store {

namespace {

using spec_json::Json;

// "<64 hex>.json" (docker, skopeo) names the config by its digest: check it.
Status CheckConfigName(const ArchiveFile& f) {
  std::string base = f.path.substr(f.path.rfind('/') == std::string::npos ? 0 : f.path.rfind('/') + 1);
  if (base.size() != 64 + 5 || base.compare(64, 5, ".json") != 0) return Ok();
  auto named = Digest::Parse("sha256:" + base.substr(0, 64));
  if (!named.ok() || *named == f.digest) return Ok();
  return DigestMismatch("config file " + f.path + " has content of digest " + f.digest.str() +
                        ", not the digest its name says (the archive is corrupt)");
}

// The diff_id of a compressed layer file: decompress and hash it.
Result<Digest> DecompressedDigest(const ArchiveEntries& entries, const ArchiveFile& f, Compression* c) {
  HOIST_TRY_ASSIGN(auto raw, entries.Open(f));
  char magic[4] = {0, 0, 0, 0};
  HOIST_TRY_ASSIGN(size_t n, raw->Read(magic, sizeof magic));
  *c = DetectCompression(std::string_view(magic, n));
  if (*c == Compression::kNone) return f.digest;
  HOIST_TRY_ASSIGN(raw, entries.Open(f));
  auto plain = Decompress(*raw, *c);
  DigestingReader digesting(*plain);
  ByteBuffer buf(256 * 1024);
  for (;;) {
    HOIST_TRY_ASSIGN(size_t k, digesting.Read(buf.data(), buf.size()));
    if (k == 0) break;
  }
  return digesting.Finish();
}

// Manifests the archive's optional OCI index.json offers (Docker 25+ and hoist write one).
std::vector<Manifest> OfferedManifests(const ArchiveEntries& entries) {
  std::vector<Manifest> out;
  const ArchiveFile* index_file = entries.Metadata("index.json");
  if (index_file == nullptr) return out;
  auto index = Index::Parse(index_file->bytes, kOciIndex);
  if (!index.ok()) return out;  // docker itself never reads it; an unusable one is ignored
  for (const Descriptor& d : index->manifests()) {
    if (!IsManifest(d.media_type) || !IsOci(d.media_type)) continue;  // Docker-typed: made anew as OCI
    const ArchiveFile* f = entries.FindBlob(d.digest);
    if (f == nullptr) continue;
    auto raw = entries.ReadSmall(*f, kMaxManifestSize);
    if (!raw.ok()) continue;
    auto m = Manifest::Parse(std::move(raw).value(), d.media_type);
    if (m.ok()) out.push_back(std::move(m).value());
  }
  return out;
}

const Manifest* MatchOffered(const std::vector<Manifest>& offered, const Digest& config,
                             const std::vector<Descriptor>& layers) {
  for (const Manifest& m : offered) {
    if (!(m.config().digest == config) || m.layers().size() != layers.size()) continue;
    bool same = true;
    for (size_t i = 0; i < layers.size() && same; ++i) {
      same = m.layers()[i].digest == layers[i].digest && m.layers()[i].size == layers[i].size;
    }
    if (same) return &m;
  }
  return nullptr;
}

struct LayerFile {
  const ArchiveFile* file;
  Compression compression;
};

// A docker archive's manifest.json names no manifest: the one made for it is hoist's choice, and it
// uses OCI media types (as skopeo does copying a docker-archive to oci:), so that skopeo and umoci
// read a loaded image from the store or an oci: layout.
Manifest MakeManifest(const ArchiveFile& config, const std::vector<LayerFile>& layers) {
  Descriptor cd;
  cd.media_type = kOciConfig;
  cd.digest = config.digest;
  cd.size = static_cast<int64_t>(config.size);
  std::vector<Descriptor> lds;
  for (const auto& l : layers) {
    Descriptor d;
    d.media_type = OciLayerMediaType(l.compression);
    d.digest = l.file->digest;
    d.size = static_cast<int64_t>(l.file->size);
    lds.push_back(std::move(d));
  }
  return Manifest(std::string(kOciManifest), std::move(cd), std::move(lds));
}

}  // namespace

Result<ArchivePlan> ReadDockerArchive(const ArchiveEntries& entries) {
  const ArchiveFile* mf = entries.Metadata("manifest.json");
  if (mf == nullptr) {
    if (entries.Metadata("repositories") != nullptr) {
      return Unsupported("archive has no manifest.json: the docker save format before Docker 1.10 is not supported");
    }
    return ParseError("archive has no manifest.json: not a docker archive");
  }
  auto doc = spec_json::Parse(mf->bytes);
  if (!doc.ok()) return spec_json::Prefixed(doc.error(), "archive manifest.json");
  if (!doc->is_array()) return ParseError("archive manifest.json: expected an array, found " + spec_json::TypeName(*doc));
  if (doc->empty()) return ParseError("archive manifest.json lists no image");

  std::vector<Manifest> offered = OfferedManifests(entries);
  ArchivePlan plan;
  BlobWalker walker(entries, plan);
  for (size_t i = 0; i < doc->size(); ++i) {
    std::string path = spec_json::Item("manifest.json", i);
    const Json& item = (*doc)[i];
    if (!item.is_object()) return spec_json::FieldError(path, "expected an object, found " + spec_json::TypeName(item));
    HOIST_TRY_ASSIGN(std::string config_path, spec_json::GetString(item, "Config", path, true));
    HOIST_TRY_ASSIGN(auto repo_tags, spec_json::GetStringArray(item, "RepoTags", path));
    HOIST_TRY_ASSIGN(auto layer_paths, spec_json::GetStringArray(item, "Layers", path));

    HOIST_TRY_ASSIGN(const ArchiveFile* cf, entries.Find(config_path, spec_json::Join(path, "Config")));
    HOIST_TRY(CheckConfigName(*cf));
    HOIST_TRY_ASSIGN(std::string config_raw, entries.ReadSmall(*cf, kMaxConfigSize));
    auto config = ImageConfig::Parse(std::move(config_raw));
    if (!config.ok()) return spec_json::Prefixed(config.error(), "config " + cf->path + " (" + path + ")");
    auto counts = config->CheckLayers(layer_paths.size());
    if (!counts.ok()) return spec_json::Prefixed(counts.error(), path);

    std::vector<LayerFile> layers;
    std::vector<Descriptor> layer_descs;
    for (size_t j = 0; j < layer_paths.size(); ++j) {
      std::string where = spec_json::Item(spec_json::Join(path, "Layers"), j);
      HOIST_TRY_ASSIGN(const ArchiveFile* lf, entries.Find(layer_paths[j], where));
      const Digest& diff_id = config->diff_ids()[j];
      Compression c = Compression::kNone;
      if (!(lf->digest == diff_id)) {
        auto plain = DecompressedDigest(entries, *lf, &c);
        if (!plain.ok()) return spec_json::Prefixed(plain.error(), "layer " + lf->path);
        if (!(*plain == diff_id)) {
          return DigestMismatch("layer " + lf->path + " (" + where + ") has digest " + plain->str() +
                                ", but the image config says its diff_id is " + diff_id.str());
        }
      }
      layers.push_back({lf, c});
      Descriptor d;
      d.digest = lf->digest;
      d.size = static_cast<int64_t>(lf->size);
      layer_descs.push_back(std::move(d));
    }

    ArchiveImage image;
    image.image_id = cf->digest;
    if (const Manifest* m = MatchOffered(offered, cf->digest, layer_descs)) {
      image.root = m->ToDescriptor();
      HOIST_TRY(walker.Walk(image.root, "manifest of " + path));
    } else {
      walker.Add(cf);
      for (const auto& l : layers) walker.Add(l.file);
      Manifest made = MakeManifest(*cf, layers);
      image.root = made.ToDescriptor();
      plan.made_manifests.push_back(made.raw());
    }
    for (size_t t = 0; t < repo_tags.size(); ++t) {
      auto ref = Reference::Parse(repo_tags[t]);
      if (!ref.ok()) return spec_json::Prefixed(ref.error(), spec_json::Item(spec_json::Join(path, "RepoTags"), t));
      image.names.push_back(*ref);
    }
    plan.images.push_back(std::move(image));
  }
  return plan;
}

}  // namespace hoist::store
