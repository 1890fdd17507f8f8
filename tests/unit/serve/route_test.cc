#include "serve/route.h"

#include <catch2/catch.hpp>

using hoist::serve::ParseRoute;
using Kind = hoist::serve::Route::Kind;

TEST_CASE("routes are read from the end of the path, so names may hold blobs or manifests") {
  auto r = ParseRoute("/v2/a/blobs/b/manifests/v1");
  CHECK(r.kind == Kind::kManifest);
  CHECK(r.name == "a/blobs/b");
  CHECK(r.target == "v1");
  r = ParseRoute("/v2/team/app/blobs/uploads/");
  CHECK(r.kind == Kind::kUploadStart);
  CHECK(r.name == "team/app");
  r = ParseRoute("/v2/team/app/blobs/uploads");
  CHECK(r.kind == Kind::kUploadStart);
  r = ParseRoute("/v2/x/blobs/uploads/0123");
  CHECK(r.kind == Kind::kUpload);
  CHECK(r.target == "0123");
  r = ParseRoute("/v2/x/blobs/sha256:ab");
  CHECK(r.kind == Kind::kBlob);
  CHECK(r.target == "sha256:ab");
  CHECK(ParseRoute("/v2/x/y/tags/list").name == "x/y");
  CHECK(ParseRoute("/v2/x/referrers/sha256:ab").kind == Kind::kReferrers);
  CHECK(ParseRoute("/v2/").kind == Kind::kPing);
  CHECK(ParseRoute("/v2/_catalog").kind == Kind::kCatalog);
  CHECK(ParseRoute("/metrics").kind == Kind::kMetrics);
}

TEST_CASE("paths that are no API route, or have no name, are unknown") {
  for (const char* p : {"/", "/v1/x/manifests/1", "/v2/manifests/1", "/v2/tags/list", "/v2/x", "/v2//manifests/1x/y",
                        "/v2/blobs/uploads/"}) {
    INFO(p);
    auto r = ParseRoute(p);
    CHECK((r.kind == Kind::kUnknown || !r.name.empty()));
  }
  CHECK(ParseRoute("/v2/manifests/1").kind == Kind::kUnknown);
  CHECK(ParseRoute("/v2/x").kind == Kind::kUnknown);
}
