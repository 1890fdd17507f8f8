#include "serve/route.h"

#include <vector>

namespace hoist::serve {

Route ParseRoute(std::string_view path) {
  Route r;
  if (path == "/v2" || path == "/v2/") {
    r.kind = Route::Kind::kPing;
    return r;
  }
  if (path == "/metrics") {
    r.kind = Route::Kind::kMetrics;
    return r;
  }
  if (path.substr(0, 4) != "/v2/") return r;
  std::string_view rest = path.substr(4);
  if (rest == "_catalog") {
    r.kind = Route::Kind::kCatalog;
    return r;
  }
  std::vector<std::string_view> p;
  for (size_t start = 0;;) {
    size_t slash = rest.find('/', start);
    p.push_back(rest.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  const size_t k = p.size();
  auto name_of = [&](size_t parts) {
    std::string n;
    for (size_t i = 0; i < parts; ++i) {
      if (i) n += '/';
      n += p[i];
    }
    return n;
  };
  auto set = [&](Route::Kind kind, size_t name_parts, std::string_view target) {
    if (name_parts == 0) return;
    r.kind = kind;
    r.name = name_of(name_parts);
    r.target = std::string(target);
  };
  if (k >= 3 && p[k - 2] == "tags" && p[k - 1] == "list") {
    set(Route::Kind::kTags, k - 2, "");
  } else if (k >= 4 && p[k - 3] == "blobs" && p[k - 2] == "uploads") {
    if (p[k - 1].empty()) {
      set(Route::Kind::kUploadStart, k - 3, "");
    } else {
      set(Route::Kind::kUpload, k - 3, p[k - 1]);
    }
  } else if (k >= 3 && p[k - 2] == "blobs" && p[k - 1] == "uploads") {
    set(Route::Kind::kUploadStart, k - 2, "");
  } else if (k >= 3 && p[k - 2] == "blobs") {
    set(Route::Kind::kBlob, k - 2, p[k - 1]);
  } else if (k >= 3 && p[k - 2] == "manifests") {
    set(Route::Kind::kManifest, k - 2, p[k - 1]);
  } else if (k >= 3 && p[k - 2] == "referrers") {
    set(Route::Kind::kReferrers, k - 2, p[k - 1]);
  }
  return r;
}

}  // namespace hoist::serve
