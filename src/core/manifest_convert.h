#pragma once
// Converting image manifests between the OCI and Docker schema 2 media types, as skopeo's
// `--format oci|v2s2` does. Only the documents change: blob bytes (configs, layers) stay as they
// are, so a converted image has a new manifest digest but the same image ID and layer digests.
// Documents already in the wanted format are returned unchanged (their bytes and digest survive).

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/digest.h"
#include "core/error.h"
#include "core/manifest.h"

namespace hoist {

enum class ManifestFormat { kOci, kDockerV2S2 };

// "oci" or "v2s2" (skopeo's names); nullopt for anything else.
std::optional<ManifestFormat> ParseManifestFormat(std::string_view name);
const char* ManifestFormatName(ManifestFormat format);

// Whether the document is already in `format`.
bool InFormat(const AnyManifest& document, ManifestFormat format);

// The manifest with media types of `format`: manifest, config and every layer. Refused with a
// reason when Docker schema 2 cannot express it: zstd layers, an artifact (a config that is not an
// image config), an artifactType or subject. Annotations have no place in schema 2 and are dropped.
Result<Manifest> ConvertManifest(const Manifest& manifest, ManifestFormat format);

// The index with the media type of `format` whose entries point at the converted children
// (`converted`: old child digest → the child's new descriptor; entries not in it are kept, their
// media type mapped). Same refusals for schema 2's manifest list.
Result<Index> ConvertIndex(const Index& index, ManifestFormat format, const std::map<Digest, Descriptor>& converted);

}  // namespace hoist
