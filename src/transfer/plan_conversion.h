#pragma once
// `--format oci|v2s2`: a copy plan whose manifests are converted to the wanted media types
// (core/manifest_convert.h) before anything moves. Blobs are untouched; every converted manifest
// gets a new digest, an index is rewritten to list its converted children, and the plan notes the
// image's new digest. Signatures name the old digest, so none are attached to the converted image.

#include "core/manifest_convert.h"
#include "transfer/copy_plan.h"

namespace hoist::transfer {

Status ConvertPlan(CopyPlan& plan, ManifestFormat format);

}  // namespace hoist::transfer
