#include "store/docker_archive_writer.h"

#include "core/compression.h"
#include "core/media_types.h"
#include "core/spec_json.h"
#include "store/oci_layout.h"

namespace hoist::store {

namespace {

constexpr const char* kContainerdName = "io.containerd.image.name";

}  // namespace

std::string DockerRepoTag(const Reference& ref) {
  if (!ref.tag()) return "";
  std::string s = ref.FamiliarName();
  s += ":";
  s += *ref.tag();
  return s;
}

Status DockerArchiveWriter::AddImage(const Manifest& manifest, const std::vector<Reference>& tags) {
  nlohmann::ordered_json entry;
  entry["Config"] = LayoutTarWriter::BlobPath(manifest.config().digest);
  nlohmann::ordered_json repo_tags = nlohmann::ordered_json::array();
  for (const Reference& ref : tags) {
    std::string tag = DockerRepoTag(ref);
    if (tag.empty()) continue;
    repo_tags.push_back(tag);
    repositories_[ref.FamiliarName()][*ref.tag()] = manifest.config().digest.hex();
  }
  entry["RepoTags"] = repo_tags;
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const Descriptor& l : manifest.layers()) {
    auto c = LayerCompressionOf(l.media_type);
    if (c && *c != Compression::kNone) {
      return InvalidArgument("layer " + l.digest.str() + " is " + std::string(CompressionName(*c)) +
                             "-compressed: a docker archive holds uncompressed layers");
    }
    layers.push_back(LayoutTarWriter::BlobPath(l.digest));
  }
  entry["Layers"] = layers;
  manifest_json_.push_back(std::move(entry));

  Descriptor d = manifest.ToDescriptor();
  bool named = false;
  for (const Reference& ref : tags) {
    if (!ref.tag()) continue;
    Descriptor e = d;
    e.annotations[kContainerdName] = ref.str();
    e.annotations[kRefNameAnnotation] = *ref.tag();
    index_.push_back(std::move(e));
    named = true;
  }
  if (!named) index_.push_back(d);
  return Ok();
}

Status DockerArchiveWriter::Finish() {
  Index index(std::string(kOciIndex), index_);
  HOIST_TRY(blobs_.AddFile("index.json", index.raw()));
  HOIST_TRY(blobs_.AddFile("manifest.json", spec_json::Dump(manifest_json_)));
  HOIST_TRY(blobs_.AddFile("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"));
  HOIST_TRY(blobs_.AddFile("repositories", spec_json::Dump(repositories_)));
  return blobs_.Close();
}

}  // namespace hoist::store
