#pragma once
// Sending a store image's blobs straight to a destination (hoist save, build --output): the config
// and layers as stored, except that a destination wanting uncompressed layers (a docker archive)
// gets each layer decompressed, as the blob of its diff_id.

#include "core/descriptor.h"
#include "core/manifest.h"
#include "store/oci_layout.h"
#include "transfer/image_destination.h"

namespace hoist::transfer {

// One blob of the store, unless the destination has it already.
Status PutStoreBlob(const store::OciLayout& layout, ImageDestination& dest, const Descriptor& blob);

// The config and every layer of `manifest` (the manifest itself is the caller's to put).
Status PutStoreImageBlobs(const store::OciLayout& layout, ImageDestination& dest, const Manifest& manifest);

}  // namespace hoist::transfer
