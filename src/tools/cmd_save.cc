// `hoist save`: images of the store into a docker-archive or oci-archive tar.
// The store → archive move runs through the archive ImageDestinations of src/transfer: each image's
// blobs through transfer/store_image_put, then its manifest and names.

#include <unistd.h>

#include <iostream>
#include <memory>

#include "core/attachment_tags.h"
#include "core/compression.h"
#include "core/image_config.h"
#include "core/manifest.h"
#include "core/manifest_convert.h"
#include "core/media_types.h"
#include "core/platform.h"
#include "store/oci_layout.h"
#include "tools/command.h"
#include "tools/transfer_flags.h"
#include "transfer/copy.h"
#include "transfer/docker_archive_destination.h"
#include "transfer/oci_archive_destination.h"
#include "transfer/registry_source.h"
#include "transfer/store_image_put.h"

namespace hoist::tools {

namespace {

void AddSaveOptions(cxxopts::Options& o) {
  o.add_options()("o,output",
                  "Write the archive to FILE instead of standard output (a regular file is replaced "
                  "atomically, a symlink's target likewise; a device or FIFO is written into)",
                  cxxopts::value<std::string>(), "FILE")
      ("no-signatures", "Leave out the images' cosign signatures, attestations and SBOMs (oci-archive)")
      ("platform", "For a multi-platform image, the platform to save (default: this machine's)",
       cxxopts::value<std::string>(), "OS/ARCH[/VARIANT]");
  AddCompressionOptions(o, "Compress the layers of an oci-archive: gzip, zstd or none");
}

// The archive several copies write into: committed once, by save, after every image.
class SharedArchive : public transfer::ImageDestination {
 public:
  explicit SharedArchive(transfer::ImageDestination& archive) : archive_(archive) {}
  std::string Describe() const override { return archive_.Describe(); }
  Result<transfer::Reuse> TryReuseBlob(const Descriptor& blob) override { return archive_.TryReuseBlob(blob); }
  Status PutBlob(Reader& content, const Descriptor& blob) override { return archive_.PutBlob(content, blob); }
  Status PutBlobFrom(const BlobOpener& open, const Descriptor& blob) override {
    return archive_.PutBlobFrom(open, blob);
  }
  Status PutManifest(const transfer::ManifestBytes& manifest, const std::string& tag) override {
    return archive_.PutManifest(manifest, tag);
  }
  bool WantsUncompressedLayers() const override { return archive_.WantsUncompressedLayers(); }
  bool WantsCompressedLayers() const override { return archive_.WantsCompressedLayers(); }
  Status Commit() override { return Ok(); }

 private:
  transfer::ImageDestination& archive_;
};

// SaveImage with --compress: the image moves through the copy engine, which (re)compresses its
// layers as `hoist copy --compress` does (new layer and manifest digests; the config stays).
// Which images of an index are saved is decided as SaveImage decides it. Returns the top digest
// (signatures are looked up for it only).
Result<std::vector<Digest>> SaveCompressed(const store::OciLayout& s, const EndpointSet& endpoints,
                              transfer::ImageDestination& archive, const Reference& ref, const Platform& platform,
                              bool convert, const transfer::LayerCompressionChoice& compression) {
  HOIST_TRY_ASSIGN(Descriptor root, s.Resolve(ref));
  transfer::CopyOptions options;
  options.tag = ref.tag() ? ref.str() : std::string();
  options.platforms = {false, {platform}, false};
  if (IsIndex(root.media_type)) {
    HOIST_TRY_ASSIGN(std::string raw, s.ReadBlob(root.digest, kMaxManifestSize));
    HOIST_TRY_ASSIGN(Index index, Index::Parse(raw, root.media_type));
    bool whole = true;
    for (const auto& child : index.manifests()) whole = whole && s.HasBlob(child.digest);
    if (whole) options.platforms = {};
  }
  if (convert) options.format = ManifestFormat::kOci;
  options.compression = compression;
  options.signatures = false;  // SaveAttached's, for the digests that stay
  options.spool_dir = endpoints.temp_dir;
  transfer::Location from;
  from.kind = transfer::LocationKind::kStore;
  from.ref = ref;
  HOIST_TRY_ASSIGN(auto source, transfer::OpenSource(from, endpoints.ep));
  SharedArchive shared(archive);
  HOIST_TRY_ASSIGN(transfer::CopyReport report, transfer::Copy(*source, shared, options));
  for (const auto& n : report.notes) std::cerr << "note: " << n << "\n";
  return std::vector<Digest>{report.image.digest};
}

// Saves `ref` and returns the digests of the manifests written (signatures may name any of them).
// `convert`: --format oci, the manifests as OCI documents (a stored Docker-typed image gets new digests).
Result<std::vector<Digest>> SaveImage(const store::OciLayout& s, transfer::ImageDestination& dest,
                                      const Reference& ref, const Platform& platform, bool convert) {
  HOIST_TRY_ASSIGN(Descriptor root, s.Resolve(ref));
  HOIST_TRY_ASSIGN(std::string raw, s.ReadBlob(root.digest, kMaxManifestSize));
  HOIST_TRY_ASSIGN(AnyManifest any, ParseAnyManifest(raw, root.media_type));
  std::string name = ref.tag() ? ref.str() : std::string();
  std::vector<Digest> saved;
  if (auto* index = std::get_if<Index>(&any)) {
    bool whole = !dest.WantsUncompressedLayers();
    for (const auto& child : index->manifests()) whole = whole && s.HasBlob(child.digest);
    if (whole) {  // an oci-archive keeps the whole index when the store has every platform
      std::map<Digest, Descriptor> converted;
      for (const auto& child : index->manifests()) {
        HOIST_TRY_ASSIGN(std::string craw, s.ReadBlob(child.digest, kMaxManifestSize));
        HOIST_TRY_ASSIGN(Manifest m, Manifest::Parse(craw, child.media_type));
        HOIST_TRY(transfer::PutStoreImageBlobs(s, dest, m));
        if (convert) {
          HOIST_TRY_ASSIGN(m, ConvertManifest(m, ManifestFormat::kOci));
          converted[child.digest] = m.ToDescriptor();
        }
        HOIST_TRY(dest.PutManifest({m.raw(), m.media_type()}, ""));
        saved.push_back(m.digest());
      }
      if (convert) {
        HOIST_TRY_ASSIGN(Index out, ConvertIndex(*index, ManifestFormat::kOci, converted));
        HOIST_TRY(dest.PutManifest({out.raw(), out.media_type()}, name));
        saved.push_back(out.digest());
        return saved;
      }
      HOIST_TRY(dest.PutManifest({raw, root.media_type}, name));
      saved.push_back(root.digest);
      return saved;
    }
    const Descriptor* child = index->FindManifest(platform);
    if (!child) return NotFound(ref.str() + " has no manifest for platform " + platform.str() + " (use --platform)");
    root = *child;
    HOIST_TRY_ASSIGN(raw, s.ReadBlob(child->digest, kMaxManifestSize));
    HOIST_TRY_ASSIGN(any, ParseAnyManifest(raw, child->media_type));
  }
  auto* m = std::get_if<Manifest>(&any);
  if (!m) return ParseError(ref.str() + ": an index inside an index cannot be saved");
  HOIST_TRY(transfer::PutStoreImageBlobs(s, dest, *m));
  if (convert) {
    HOIST_TRY_ASSIGN(Manifest out, ConvertManifest(*m, ManifestFormat::kOci));
    HOIST_TRY(dest.PutManifest({out.raw(), out.media_type()}, name));
    saved.push_back(out.digest());
    return saved;
  }
  HOIST_TRY(dest.PutManifest({raw, m->media_type()}, name));
  saved.push_back(root.digest);
  return saved;
}

// The cosign manifests (sha256-<hex>.sig/.att/.sbom) the store holds for `subjects`, in `ref`'s
// repository: saved under their own names, so `hoist load` brings them back beside the image.
Result<int> SaveAttached(const store::OciLayout& s, transfer::ImageDestination& dest, const Reference& ref,
                         const std::vector<Digest>& subjects) {
  int saved = 0;
  for (const Digest& subject : subjects) {
    for (const std::string& tag : CosignTags(subject)) {
      HOIST_TRY_ASSIGN(Reference name, ref.Bare().WithTag(tag));
      auto found = s.Resolve(name);
      if (!found.ok()) {
        if (found.error().code() == ErrorCode::kNotFound) continue;
        return std::move(found).error();
      }
      HOIST_TRY_ASSIGN(std::string raw, s.ReadBlob(found->digest, kMaxManifestSize));
      HOIST_TRY_ASSIGN(Manifest m, Manifest::Parse(raw, found->media_type));
      HOIST_TRY(transfer::PutStoreImageBlobs(s, dest, m));
      HOIST_TRY(dest.PutManifest({raw, m.media_type()}, name.str()));
      ++saved;
    }
  }
  return saved;
}

Result<int> RunSave(CommandContext& ctx) {
  if (ctx.positional.empty()) return UsageError("save needs at least one image reference");
  // skopeo's manifest formats name the archive too: v2s2 is docker's (docker-archive), oci an
  // oci-archive whose manifests are all OCI documents (converted where the store holds Docker ones).
  const std::string& format = ctx.global.format_name;
  bool docker = format == "text" || format == "docker-archive" || format == "v2s2";
  const bool convert = format == "oci";
  if (!docker && format != "oci-archive" && !convert) {
    return UsageError("--format must be docker-archive (or v2s2), oci-archive or oci (got \"" + format + "\")");
  }
  std::string output = ctx.args.count("output") ? ctx.args["output"].as<std::string>() : "-";
  if (output == "-" && ::isatty(STDOUT_FILENO)) {
    return UsageError("refusing to write an archive to a terminal: use -o FILE or redirect standard output");
  }
  Platform platform = Platform::Host();
  if (ctx.args.count("platform")) {
    auto p = Platform::Parse(ctx.args["platform"].as<std::string>());
    if (!p.ok()) return UsageError(p.error().message());
    platform = *p;
  }
  HOIST_TRY_ASSIGN(transfer::LayerCompressionChoice compression, ReadCompressionChoice(ctx));
  if (docker && compression.target && *compression.target != Compression::kNone) {
    return UsageError("--compress " + std::string(CompressionName(*compression.target)) +
                      ": a docker archive holds uncompressed layers (docker's convention); use --format "
                      "oci-archive (or oci) to save compressed layers");
  }
  std::vector<Reference> refs;
  for (const auto& text : ctx.positional) {
    auto ref = Reference::Parse(text);
    if (!ref.ok()) return UsageError(ref.error().message());
    refs.push_back(*ref);
  }
  HOIST_TRY_ASSIGN(auto s, store::OciLayout::Open(store::DefaultStorePath(ctx.global.store),
                                                  store::OciLayout::OpenMode::kExisting));
  std::unique_ptr<transfer::ImageDestination> dest;
  if (docker) {
    HOIST_TRY_ASSIGN(dest, transfer::DockerArchiveDestination::Open(output, std::nullopt, s.paths().TempDir()));
  } else {
    HOIST_TRY_ASSIGN(dest, transfer::OciArchiveDestination::Open(output, s.paths().TempDir()));
  }
  const bool signatures = !ctx.args.count("no-signatures");
  std::optional<EndpointSet> endpoints;
  if (!docker && compression.target) {
    HOIST_TRY_ASSIGN(EndpointSet made, MakeEndpoints(ctx, false));
    endpoints.emplace(std::move(made));
  }
  for (const Reference& ref : refs) {
    auto saved = endpoints ? SaveCompressed(s, *endpoints, *dest, ref, platform, convert, compression)
                           : SaveImage(s, *dest, ref, platform, convert);
    if (!saved.ok()) return std::move(saved).error().WithContext("save " + ref.Familiar());
    if (!signatures) continue;
    if (docker) {  // docker load would refuse a signature manifest; say what is left behind
      auto attached = CosignTags(saved->back());
      HOIST_TRY_ASSIGN(Reference sig, ref.Bare().WithTag(attached.front()));
      if (s.Resolve(sig).ok()) {
        std::cerr << "note: " << ref.Familiar() << " is signed; a docker-archive cannot carry signatures "
                  << "(use --format oci-archive to keep them)\n";
      }
      continue;
    }
    auto attached = SaveAttached(s, *dest, ref, *saved);
    if (!attached.ok()) return std::move(attached).error().WithContext("save signatures of " + ref.Familiar());
  }
  HOIST_TRY(dest->Commit());
  return kExitOk;
}

}  // namespace

const CommandSpec& SaveCommand() {
  static const CommandSpec spec{
      "save", {}, "Save images from the store to a tar archive (docker save format or oci-archive)", "REF...",
      "Writes the images to one tar archive, to standard output unless -o is given. Images in one archive\n"
      "share their blobs. The default format is the one `docker save` writes (manifest.json, repositories,\n"
      "in its Docker 25+ shape: an OCI layout with blobs/sha256/… and index.json), which docker load,\n"
      "podman load, skopeo (docker-archive:) and hoist load read. --format oci-archive writes an OCI image\n"
      "layout in a tar (skopeo's oci-archive:), keeping blobs exactly as stored. --format oci writes an\n"
      "oci-archive whose manifests are OCI documents even where the store holds Docker schema 2 ones\n"
      "(new manifest digests, same blobs; signatures of the old digests are left out); --format v2s2 is\n"
      "the docker format.\n"
      "\n"
      "How digests relate in a docker archive: docker archives hold UNCOMPRESSED layers, so each layer\n"
      "is stored as blobs/sha256/<diff_id>, the digest of the uncompressed tar (the config's\n"
      "rootfs.diff_ids), not the compressed digest the registry manifest lists. The config, and with it\n"
      "the image ID (sha256 of the config, the ID `hoist images` shows), stays the same. The manifest\n"
      "inside the archive names the uncompressed layers, so its digest differs from the registry's\n"
      "manifest digest (a RepoDigest). Loading the archive and pushing it again therefore gives a new\n"
      "manifest digest unless the layers are recompressed identically. An oci-archive keeps the stored\n"
      "(compressed) blobs and every digest unchanged.\n"
      "\n"
      "Layers are decompressed while they are written: to a file the tar header is patched in place; to\n"
      "a pipe each layer is first spooled to a temp file in the store's .hoist/tmp. A multi-platform image\n"
      "is saved for one platform (--platform, default this machine) in a docker archive; an oci-archive\n"
      "keeps the whole index when the store holds every platform.\n"
      "\n"
      "Signatures: an oci-archive also holds the images' cosign signatures, attestations and SBOMs\n"
      "(the sha256-<hex>.sig/.att/.sbom manifests in the store), named as in the store, so `hoist load`\n"
      "brings them back and `hoist verify` works on the other side; --no-signatures leaves them out.\n"
      "They are listed in a second index, hoist-attached.json, not in index.json: podman load and skopeo\n"
      "see one image and need no name for an archive of one image. A\n"
      "docker archive cannot carry them (docker load would refuse one): save says so on stderr.\n"
      "\n"
      "--compress gzip|zstd|none (oci-archive and oci only: a docker archive holds uncompressed layers\n"
      "by docker's convention, and --compress gzip or zstd is refused for it) compresses uncompressed\n"
      "layers so; --force-compression also recompresses layers compressed otherwise; --compression-level\n"
      "N: gzip 0..9 (default: ISA-L's fast gzip), zstd 1..19 (default 3). diff_ids and the config stay;\n"
      "layer and manifest digests change (the same for the same input and level), and signatures of\n"
      "the old digests are left out.",
      "  hoist save -o app.tar localhost:5000/team/app:1\n"
      "  hoist save alpine:3.19 busybox:latest | gzip > images.tar.gz\n"
      "  hoist save --format oci-archive -o app-oci.tar app:1\n"
      "  hoist save --format oci --compress zstd --force-compression -o app-zstd.tar app:1\n"
      "  skopeo copy docker-archive:app.tar oci:/tmp/app-layout:app",
      AddSaveOptions, RunSave};
  return spec;
}

}  // namespace hoist::tools
