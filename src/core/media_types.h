#pragma once
// Media types of the OCI image spec and Docker's image manifest v2 schema 2, and the questions the
// rest of hoist asks about them. Docker schema 1 is named only so it can be refused clearly.
// Every helper accepts a Content-Type header value: parameters ("; charset=utf-8") are ignored.

#include <optional>
#include <string_view>

#include "core/compression.h"

namespace hoist {

// OCI image spec.
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayerTar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
// "Non-distributable" (foreign) layers: deprecated by OCI 1.1 but still found in Windows images.
inline constexpr std::string_view kOciForeignLayerTar =
    "application/vnd.oci.image.layer.nondistributable.v1.tar";
inline constexpr std::string_view kOciForeignLayerGzip =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr std::string_view kOciForeignLayerZstd =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
// The "{}" blob artifacts use as config (and as a placeholder layer).
inline constexpr std::string_view kOciEmpty = "application/vnd.oci.empty.v1+json";

// Docker image manifest v2, schema 2.
inline constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
// Uncompressed Docker layers: not in the schema 2 spec, but containerd and `docker save` use it.
inline constexpr std::string_view kDockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view kDockerForeignLayerGzip =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

// Docker schema 1: recognised only to be rejected (see IsSchema1).
inline constexpr std::string_view kDockerSchema1Manifest = "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view kDockerSchema1SignedManifest =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

// The layer media type buildkit gives in-toto attestations (inside "unknown/unknown" index entries).
inline constexpr std::string_view kInTotoJson = "application/vnd.in-toto+json";

// "application/x; charset=utf-8" → "application/x"; also trims surrounding whitespace.
std::string_view BaseMediaType(std::string_view media_type);

bool IsManifest(std::string_view media_type);  // OCI image manifest or Docker schema 2 manifest
bool IsIndex(std::string_view media_type);     // OCI index or Docker manifest list
bool IsSchema1(std::string_view media_type);   // Docker schema 1, signed or not
bool IsConfig(std::string_view media_type);    // OCI or Docker image config
bool IsLayer(std::string_view media_type);     // any known OCI or Docker layer type, foreign included
bool IsForeignLayer(std::string_view media_type);
bool IsDocker(std::string_view media_type);  // application/vnd.docker.*
bool IsOci(std::string_view media_type);     // application/vnd.oci.*

// Compression of a layer's bytes. Known layer types answer exactly; other types (artifact layers
// such as Helm charts) are judged by a "+gzip" / "+zstd" / ".gzip" suffix or a tar suffix.
// nullopt when the type says nothing about compression.
std::optional<Compression> LayerCompressionOf(std::string_view media_type);

// The OCI (distributable) layer media type for a compression.
std::string_view OciLayerMediaType(Compression compression);

}  // namespace hoist
