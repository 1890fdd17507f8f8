#pragma once
// Test helper: image archives built in memory (docker-archive in the shapes docker/skopeo write,
// oci-archive), each piece of which a test can break, and a look at what a store holds.


#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "core/compression.h"
#include "core/digest.h"
#include "core/fs.h"
#include "core/image_config.h"
#include "core/io.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "core/tar_writer.h"
#include "store/oci_layout.h"

namespace hoist::store::testing {

struct TarFile {
  TarFile(std::string p, std::string d, TarEntryType t = TarEntryType::kRegular, std::string l = "")
      : path(std::move(p)), data(std::move(d)), type(t), link(std::move(l)) {}
  std::string path;
  std::string data;
  TarEntryType type;
  std::string link;
};

inline std::string MakeTar(const std::vector<TarFile>& files, bool close = true) {
  StringWriter out;
  TarWriter w(out);
  for (const TarFile& f : files) {
    // One read of f.type: g++ 12 -O2 reports a false -Wmaybe-uninitialized for repeated reads.
    const TarEntryType type = f.type;
    TarEntry e;
    e.path = f.path;
    e.type = type;
    e.link_target = f.link;
    e.mode = type == TarEntryType::kDirectory ? 0755 : 0644;
    e.size = type == TarEntryType::kRegular ? f.data.size() : 0;
    StringReader r(f.data);
    REQUIRE(w.WriteEntry(e, &r).ok());
  }
  if (close) REQUIRE(w.Close().ok());
  return out.Take();
}

inline std::string Compress(const std::string& data, Compression c) {
  StringWriter out;
  auto w = NewCompressingWriter(out, c);
  REQUIRE(w.ok());
  REQUIRE((*w)->Write(data).ok());
  REQUIRE((*w)->Close().ok());
  return out.Take();
}

inline std::string Hex(const std::string& data) { return Digest::Of(data).hex(); }

// A small image: its layers (uncompressed tars) and a config naming their diff_ids.
struct SourceImage {
  std::vector<std::string> layers;
  std::string config;
};

inline SourceImage MakeImage(const std::string& seed, int layer_count = 2) {
  SourceImage img;
  ImageConfig config(Platform{"linux", "amd64", "", "", {}});
  config.set_created("2024-01-02T03:04:05Z");
  for (int i = 0; i < layer_count; ++i) {
    std::string layer = MakeTar({{"dir/", "", TarEntryType::kDirectory, ""},
                                 {"dir/" + seed + std::to_string(i), seed + " content " + std::to_string(i)}});
    config.AddLayer(Digest::Of(layer), HistoryEntry{"2024-01-02T03:04:05Z", "add " + std::to_string(i), "", "",
                                                     false, nlohmann::ordered_json::object()});
    img.layers.push_back(layer);
  }
  img.config = config.raw();
  return img;
}

// The files of a docker archive as skopeo writes it: <config hex>.json, <diff_id hex>.tar,
// manifest.json (last, as docker does), repositories.
inline std::vector<TarFile> DockerArchiveFiles(const SourceImage& img, const std::string& repo_tag) {
  std::vector<TarFile> files;
  std::string layers = "[";
  for (size_t i = 0; i < img.layers.size(); ++i) {
    files.push_back({Hex(img.layers[i]) + ".tar", img.layers[i]});
    layers += (i ? "," : "") + std::string("\"") + Hex(img.layers[i]) + ".tar\"";
  }
  layers += "]";
  files.push_back({Hex(img.config) + ".json", img.config});
  files.push_back({"manifest.json", "[{\"Config\":\"" + Hex(img.config) + ".json\",\"RepoTags\":[\"" + repo_tag +
                                        "\"],\"Layers\":" + layers + "}]"});
  return files;
}

// An OCI layout archive of `img` (layers gzip-compressed) named `ref_name`.
inline std::vector<TarFile> OciArchiveFiles(const SourceImage& img, const std::string& ref_name) {
  std::vector<TarFile> files;
  files.push_back({"oci-layout", R"({"imageLayoutVersion":"1.0.0"})"});
  std::vector<Descriptor> layers;
  for (const auto& l : img.layers) {
    std::string gz = Compress(l, Compression::kGzip);
    files.push_back({"blobs/sha256/" + Hex(gz), gz});
    layers.push_back(Descriptor::For(std::string(kOciLayerGzip), gz));
  }
  files.push_back({"blobs/sha256/" + Hex(img.config), img.config});
  Manifest m(std::string(kOciManifest), Descriptor::For(std::string(kOciConfig), img.config), layers);
  files.push_back({"blobs/sha256/" + m.digest().hex(), m.raw()});
  Descriptor md = m.ToDescriptor();
  if (!ref_name.empty()) md.annotations[kRefNameAnnotation] = ref_name;
  Index index(std::string(kOciIndex), {md});
  files.push_back({"index.json", index.raw()});
  return files;
}

// The entry names of `dir`, sorted; a missing directory has none.
inline std::vector<std::string> ListDir(const std::string& dir) {
  auto names = ListDirNamesIfExists(dir);
  REQUIRE(names.ok());
  return *names;
}

// What a test checks to say "the store is unchanged": names, blobs, leftovers in tmp.
struct StoreState {
  std::string index;
  std::vector<std::string> blobs;
  std::vector<std::string> tmp;
  bool operator==(const StoreState&) const = default;
};

inline StoreState StateOf(const OciLayout& s) {
  StoreState st;
  auto idx = s.ReadIndex();
  REQUIRE(idx.ok());
  st.index = idx->raw();
  st.blobs = ListDir(s.paths().BlobDir(DigestAlgorithm::kSha256));
  std::sort(st.blobs.begin(), st.blobs.end());
  st.tmp = ListDir(s.paths().TempDir());
  return st;
}

}  // namespace hoist::store::testing
