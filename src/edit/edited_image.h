#pragma once
// What an edit (mutate, append, flatten, rebase) produced: the new documents and blobs, and a
// source that serves them over the original. Everything the edit did not touch still comes from
// the original source, byte for byte, so transfer::Copy moves only the new bytes: layers already
// at the destination are reused or mounted, and an unchanged child keeps its digest.

#include <map>
#include <memory>
#include <string>

#include "core/descriptor.h"
#include "core/digest.h"
#include "transfer/image_source.h"

namespace hoist::edit {

struct EditedImage {
  Descriptor top;                                       // the new manifest or index
  std::map<Digest, transfer::ManifestBytes> manifests;  // every new document (top included)
  std::map<Digest, std::string> blobs;                  // new small blobs (configs), in memory
  std::map<Digest, std::string> files;                  // new layers, spooled to these files
  // Blobs the original source lacks, read from another source (rebase: the new base's layers).
  std::map<Digest, std::shared_ptr<transfer::ImageSource>> elsewhere;

  // Adds a document and returns its descriptor (media type, digest, size).
  Descriptor AddManifest(std::string bytes, const std::string& media_type);
  // Adds a blob held in memory and returns its descriptor.
  Descriptor AddBlob(std::string bytes, const std::string& media_type);
  bool IsNew(const Digest& d) const { return manifests.count(d) || blobs.count(d) || files.count(d); }
};

// The original source with the edit's documents and blobs laid over it. GetManifest(nullopt) is the
// edited top. Nothing is attached to a new document (signatures name the old digests); unchanged
// children keep theirs. `edit` must outlive the source.
std::unique_ptr<transfer::ImageSource> EditedSource(transfer::ImageSource& original, const EditedImage& edit);

}  // namespace hoist::edit
