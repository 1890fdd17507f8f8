#pragma once
// The walk every edit shares: the image the source names, or each selected image of its index,
// gets a new config and manifest from an edit function; the index is rewritten to point at them.
// Documents the edit does not change keep their bytes: untouched children, layers, and the index
// itself unless a child or its annotations changed.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/image_config.h"
#include "core/manifest.h"
#include "core/platform.h"
#include "edit/edited_image.h"
#include "transfer/image_source.h"

namespace hoist::edit {

// What an edit may change in one image.
struct ImageParts {
  ImageConfig& config;
  std::vector<Descriptor>& layers;
  std::map<std::string, std::string>& annotations;  // the manifest's
};

// Changes one image (the manifest is given for its media types). New blobs it makes go into `out`.
using ImageEditFunction = std::function<Status(const Manifest& manifest, ImageParts& image, EditedImage& out)>;

struct RewriteOptions {
  ImageEditFunction edit;  // null: configs and layers untouched
  // Set on the top document: the manifest, or the index when the source names one.
  std::map<std::string, std::string> annotations;
  // Which images of an index are edited (empty: every image; attestations never). With a single
  // image, it must be for one of them.
  std::vector<Platform> platforms;
};

// kNotFound when no image of an index matches `platforms` (or the single image does not).
Result<EditedImage> RewriteImages(transfer::ImageSource& source, const RewriteOptions& options);

// An index whose entries in `replaced` (old child digest → new descriptor) point at the new
// children (platform taken from the new descriptor when it has one), with `annotations` set, added
// to `out` when it changed. buildkit attestations naming a replaced child
// (vnd.docker.reference.digest) follow it.
Descriptor RewriteIndex(const Index& index, const std::map<Digest, Descriptor>& replaced,
                        const std::map<std::string, std::string>& annotations, EditedImage& out);

}  // namespace hoist::edit
