#pragma once
// cosign's "classic attached" signature storage: an OCI image manifest tagged sha256-<hex>.sig in
// the image's repository. Each layer is one signature: its blob is the payload
// (application/vnd.dev.cosign.simplesigning.v1+json) and its dev.cosignproject.cosign/signature
// annotation is the base64 DER signature. The config is the image config go-containerregistry
// builds for such an image (one diff_id and one empty history entry per layer), so the bytes hoist
// writes are the bytes cosign writes for the same signatures.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/descriptor.h"
#include "core/digest.h"
#include "core/error.h"

namespace hoist::sign {

inline constexpr std::string_view kSimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view kSignatureAnnotation = "dev.cosignproject.cosign/signature";

// "sha256-<hex>.sig": the tag cosign stores the signatures of `image` under.
std::string SignatureTag(const Digest& image);

struct SignatureLayer {
  Descriptor layer;       // mediaType, digest and size of the payload blob, annotations as found
  std::string signature;  // the annotation's value (base64), not yet decoded
};

struct SignatureManifestLimits {
  size_t max_bytes = 4 * 1024 * 1024;  // the registry's own manifest limit
  size_t max_layers = 10'000;          // refused above this: no image needs that many signatures
};

// Reads a signature manifest. Layers of other media types are kept (cosign ignores nothing either:
// they simply fail verification); a document that is not an image manifest is an error.
Result<std::vector<SignatureLayer>> ParseSignatureManifest(std::string_view bytes,
                                                           const SignatureManifestLimits& limits = {});

struct BuiltSignatureManifest {
  std::string manifest;  // application/vnd.oci.image.manifest.v1+json
  std::string config;    // application/vnd.oci.image.config.v1+json, its blob
};

// The manifest (and config blob) holding `layers`, in order. Layer descriptors are written as
// mediaType, size, digest, annotations.
BuiltSignatureManifest BuildSignatureManifest(const std::vector<SignatureLayer>& layers);

// A layer for a new signature over `payload`.
SignatureLayer NewSignatureLayer(std::string_view payload, std::string_view signature_base64);

// `existing` plus `added`, unless an identical signature (same payload digest and signature) is
// already there: signing twice does not grow the manifest.
std::vector<SignatureLayer> AppendSignature(std::vector<SignatureLayer> existing, SignatureLayer added);

}  // namespace hoist::sign
