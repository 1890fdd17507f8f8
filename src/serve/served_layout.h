#pragma once
// Everything the API handlers share about the directory being served: the layout itself, its
// names (cached), the manifests' facts (cached), upload sessions and the serving options.

#include <memory>
#include <string>

#include "serve/limits.h"
#include "serve/manifest_info.h"
#include "serve/repo_names.h"
#include "serve/uploads.h"
#include "store/oci_layout.h"

namespace hoist::serve {

struct LayoutOptions {
  std::string prefix;  // --prefix: clients name REPO as PREFIX/REPO
  bool read_only = false;
  uint64_t max_blob_size = kDefaultMaxBlobSize;
  size_t max_upload_sessions = kDefaultMaxUploadSessions;
};

class ServedLayout {
 public:
  ServedLayout(store::OciLayout layout, LayoutOptions options)
      : layout_(std::move(layout)), options_(std::move(options)), names_(layout_),
        uploads_(layout_, options_.max_upload_sessions, options_.max_blob_size) {}
  ServedLayout(const ServedLayout&) = delete;
  ServedLayout& operator=(const ServedLayout&) = delete;

  Status Init() { return options_.read_only ? Ok() : uploads_.Init(); }

  store::OciLayout& layout() { return layout_; }
  const LayoutOptions& options() const { return options_; }
  NameCache& names() { return names_; }
  ManifestInfoCache& manifests() { return manifests_; }
  UploadSessions& uploads() { return uploads_; }

  // The layout repository for a client's name: `name` without the prefix, kNotFound when the name
  // is outside the prefix, kInvalidArgument when it breaks the name grammar.
  Result<std::string> LayoutName(const std::string& name) const;
  // A layout repository as clients name it (the prefix put back).
  std::string ClientName(const std::string& layout_name) const;

 private:
  store::OciLayout layout_;
  LayoutOptions options_;
  NameCache names_;
  ManifestInfoCache manifests_;
  UploadSessions uploads_;
};

}  // namespace hoist::serve
