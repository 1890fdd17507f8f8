// The Distribution API client against a real registry: ping, manifests, tags, catalog,
// referrers, and the registry's errors as hoist reports them.

#include <algorithm>

#include <catch2/catch.hpp>

#include "core/manifest.h"
#include "core/media_types.h"
#include "integration/registry_client_support.h"

using namespace hoist;
using namespace hoist::registry;
using hoist::testing::Describe;
using hoist::testing::OpenRepo;
using hoist::testing::Registry;
using hoist::testing::RegistryVariant;
using hoist::testing::TestHttp;

namespace {

Descriptor PushBlob(const Repository& repo, std::string_view media_type, const std::string& data) {
  Descriptor d = Descriptor::For(std::string(media_type), data);
  StringReader content(data);
  Status s = repo.PutBlob(content, d.digest, d.size);
  INFO(Describe(s));
  REQUIRE(s.ok());
  return d;
}

// An image manifest whose config and layer are in the repository; `salt` makes it unique.
Manifest PushImageBlobs(const Repository& repo, const std::string& salt) {
  Descriptor config = PushBlob(repo, kOciConfig, R"({"architecture":"amd64","os":"linux","salt":")" + salt + "\"}");
  Descriptor layer = PushBlob(repo, kOciLayerTar, "layer " + salt);
  return Manifest(std::string(kOciManifest), config, {layer});
}

RegistryApi OpenApi(const Registry& r, std::shared_ptr<HttpClient> http) {
  Result<RegistryApi> api = RegistryApi::Open(std::move(http), r.url());
  REQUIRE(api.ok());
  return std::move(api).value();
}

}  // namespace

TEST_CASE("ping succeeds over plain http and over TLS with the registry's CA") {
  HOIST_REQUIRE_REGISTRY_AS(plain, RegistryVariant::kPlain);
  HOIST_REQUIRE_REGISTRY_AS(tls, RegistryVariant::kTls);
  CHECK(OpenApi(*plain, std::make_shared<TestHttp>(*plain)).Ping().ok());
  Status s = OpenApi(*tls, std::make_shared<TestHttp>(*tls)).Ping();
  INFO(Describe(s));
  CHECK(s.ok());
}

TEST_CASE("ping over TLS fails without the registry's CA") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kTls);
  HttpClientOptions options;
  options.tls.cert_dirs = {};
  auto curl = std::make_shared<CurlClient>(options);
  Status s = OpenApi(*registry, curl).Ping();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::kNetwork);
}

TEST_CASE("ping with basic auth succeeds with the password and is kUnauthorized without") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kHtpasswd);
  CHECK(OpenApi(*registry, std::make_shared<TestHttp>(*registry)).Ping().ok());
  Status s = OpenApi(*registry, std::make_shared<TestHttp>(*registry, false)).Ping();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::kUnauthorized);
}

TEST_CASE("a manifest round trips byte-identical through put, get, head and delete") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "api/manifests");
  Manifest manifest = PushImageBlobs(repo, "round-trip");

  Result<Digest> put = repo.PutManifest(manifest.raw(), kOciManifest, "v1");
  INFO(Describe(put));
  REQUIRE(put.ok());
  CHECK(*put == manifest.digest());

  for (std::string ref : {std::string("v1"), manifest.digest().str()}) {
    Result<FetchedManifest> got = repo.GetManifest(ref);
    INFO(ref << ": " << Describe(got));
    REQUIRE(got.ok());
    CHECK(got->bytes == manifest.raw());
    CHECK(got->media_type == kOciManifest);
    CHECK(got->digest == manifest.digest());

    Result<std::optional<ManifestInfo>> head = repo.HeadManifest(ref);
    REQUIRE(head.ok());
    REQUIRE(head->has_value());
    CHECK((*head)->digest == manifest.digest());
    CHECK((*head)->media_type == kOciManifest);
    CHECK((*head)->size == static_cast<int64_t>(manifest.raw().size()));
  }

  Status deleted = repo.DeleteManifest("v1");
  INFO(Describe(deleted));
  REQUIRE(deleted.ok());
  Result<std::optional<ManifestInfo>> gone = repo.HeadManifest(manifest.digest().str());
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

TEST_CASE("an index and a Docker manifest keep their media types") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "api/kinds");
  Descriptor config = PushBlob(repo, kDockerConfig, R"({"architecture":"arm64","os":"linux"})");
  Descriptor layer = PushBlob(repo, kDockerLayerGzip, "not really gzip, the registry does not care");
  Manifest docker(std::string(kDockerManifest), config, {layer});
  REQUIRE(repo.PutManifest(docker.raw(), kDockerManifest).ok());  // by digest

  Index index(std::string(kOciIndex), {docker.ToDescriptor()});
  Result<Digest> put = repo.PutManifest(index.raw(), kOciIndex, "multi");
  INFO(Describe(put));
  REQUIRE(put.ok());

  Result<FetchedManifest> got_index = repo.GetManifest("multi");
  REQUIRE(got_index.ok());
  CHECK(got_index->media_type == kOciIndex);
  CHECK(got_index->bytes == index.raw());
  Result<FetchedManifest> got_docker = repo.GetManifest(docker.digest().str());
  REQUIRE(got_docker.ok());
  CHECK(got_docker->media_type == kDockerManifest);
  CHECK(got_docker->bytes == docker.raw());
}

TEST_CASE("a missing manifest is MANIFEST_UNKNOWN, kNotFound, and not retried") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "api/missing");
  PushImageBlobs(repo, "exists");  // the repository exists; the tag does not
  int before = http->calls();
  Result<FetchedManifest> got = repo.GetManifest("nope");
  REQUIRE_FALSE(got.ok());
  CHECK(http->calls() - before == 1);
  const Error& e = got.error();
  CHECK(e.code() == ErrorCode::kNotFound);
  REQUIRE(e.registry().has_value());
  CHECK(e.registry()->http_status == 404);
  REQUIRE_FALSE(e.registry()->diagnostics.empty());
  CHECK(e.registry()->diagnostics[0].code == "MANIFEST_UNKNOWN");
  CHECK(e.ToString().find("get manifest nope from " + registry->host() + "/api/missing") == 0);

  Result<std::optional<ManifestInfo>> head = repo.HeadManifest("nope");
  REQUIRE(head.ok());
  CHECK_FALSE(head->has_value());
  Status deleted = repo.DeleteManifest("nope");
  REQUIRE_FALSE(deleted.ok());
  CHECK(deleted.error().code() == ErrorCode::kNotFound);
}

TEST_CASE("a missing blob is BLOB_UNKNOWN, kNotFound, and not retried") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "api/missing-blob");
  Digest digest = Digest::Of("never pushed");
  int before = http->calls();
  StringBlobSink sink;
  Status s = repo.GetBlob(digest, sink);
  REQUIRE_FALSE(s.ok());
  CHECK(http->calls() - before == 1);
  CHECK(s.error().code() == ErrorCode::kNotFound);
  REQUIRE(s.error().registry().has_value());
  REQUIRE_FALSE(s.error().registry()->diagnostics.empty());
  CHECK(s.error().registry()->diagnostics[0].code == "BLOB_UNKNOWN");
  CHECK(s.error().context().at(0).find("get blob " + digest.str()) == 0);

  Result<std::optional<BlobInfo>> head = repo.HeadBlob(digest);
  REQUIRE(head.ok());
  CHECK_FALSE(head->has_value());
}

TEST_CASE("a blob can be deleted") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "api/delete-blob");
  Descriptor d = PushBlob(repo, kOciLayerTar, "to be deleted");
  Status s = repo.DeleteBlob(d.digest);
  INFO(Describe(s));
  REQUIRE(s.ok());
  Result<std::optional<BlobInfo>> head = repo.HeadBlob(d.digest);
  REQUIRE(head.ok());
  CHECK_FALSE(head->has_value());
}

// Distribution 2.8 ignores n and last for tags (it pages only the catalog, below) and lists
// them unordered; paging over tags is covered by tests/unit/registry/listing_test.cc.
TEST_CASE("every tag is listed, with or without a page size") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "api/tags");
  Manifest manifest = PushImageBlobs(repo, "tags");
  const std::vector<std::string> tags = {"a", "b", "c", "d", "e"};
  for (const std::string& tag : tags) REQUIRE(repo.PutManifest(manifest.raw(), kOciManifest, tag).ok());

  for (int page_size : {0, 2}) {
    Result<std::vector<std::string>> listed = repo.ListTags({.page_size = page_size});
    INFO("n=" << page_size << ": " << Describe(listed));
    REQUIRE(listed.ok());
    std::vector<std::string> sorted = *listed;
    std::sort(sorted.begin(), sorted.end());
    CHECK(sorted == tags);
  }
}

TEST_CASE("tags of an unknown repository are NAME_UNKNOWN") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Result<std::vector<std::string>> listed = OpenRepo(*registry, http, "api/none").ListTags();
  REQUIRE_FALSE(listed.ok());
  CHECK(listed.error().code() == ErrorCode::kNotFound);
  REQUIRE(listed.error().registry().has_value());
  CHECK(listed.error().registry()->diagnostics.at(0).code == "NAME_UNKNOWN");
}

TEST_CASE("the catalog lists every repository across pages of one") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  const std::vector<std::string> names = {"cat/one", "cat/three", "cat/two"};
  for (const std::string& name : names) {
    Repository repo = OpenRepo(*registry, http, name);
    REQUIRE(repo.PutManifest(PushImageBlobs(repo, name).raw(), kOciManifest, "latest").ok());
  }
  RegistryApi api = OpenApi(*registry, http);
  Result<std::vector<std::string>> paged = api.Catalog({.page_size = 1});
  INFO(Describe(paged));
  REQUIRE(paged.ok());
  CHECK(*paged == names);
  Result<std::vector<std::string>> whole = api.Catalog();
  REQUIRE(whole.ok());
  CHECK(*whole == names);
}

TEST_CASE("referrers come from the tag schema when the registry has no referrers API") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "api/referrers");
  Manifest subject = PushImageBlobs(repo, "subject");
  REQUIRE(repo.PutManifest(subject.raw(), kOciManifest, "v1").ok());

  Result<std::vector<Descriptor>> none = repo.ListReferrers(subject.digest());
  INFO(Describe(none));
  REQUIRE(none.ok());
  CHECK(none->empty());

  // A signature-like artifact pointing at the subject, and the fallback index naming it.
  Descriptor empty = PushBlob(repo, kOciEmpty, "{}");
  Descriptor payload = PushBlob(repo, "application/vnd.example.sig", "signature bytes");
  Manifest sig(std::string(kOciManifest), empty, {payload});
  sig.set_artifact_type("application/vnd.example.sig");
  sig.set_subject(subject.ToDescriptor());
  REQUIRE(repo.PutManifest(sig.raw(), kOciManifest).ok());
  Index fallback(std::string(kOciIndex), {sig.ToDescriptor()});
  REQUIRE(repo.PutManifest(fallback.raw(), kOciIndex, ReferrersTag(subject.digest())).ok());

  Result<std::vector<Descriptor>> found = repo.ListReferrers(subject.digest());
  INFO(Describe(found));
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].digest == sig.digest());
  CHECK((*found)[0].artifact_type == "application/vnd.example.sig");

  Result<std::vector<Descriptor>> filtered = repo.ListReferrers(subject.digest(), "application/other");
  REQUIRE(filtered.ok());
  CHECK(filtered->empty());
}

TEST_CASE("manifests and tags work with basic auth") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kHtpasswd);
  auto http = std::make_shared<TestHttp>(*registry);
  Repository repo = OpenRepo(*registry, http, "api/auth");
  Manifest manifest = PushImageBlobs(repo, "auth");
  REQUIRE(repo.PutManifest(manifest.raw(), kOciManifest, "v1").ok());
  Result<FetchedManifest> got = repo.GetManifest("v1");
  REQUIRE(got.ok());
  CHECK(got->bytes == manifest.raw());
  Result<std::vector<std::string>> tags = repo.ListTags();
  REQUIRE(tags.ok());
  CHECK(*tags == std::vector<std::string>{"v1"});

  Repository anonymous = OpenRepo(*registry, std::make_shared<TestHttp>(*registry, false), "api/auth");
  Result<FetchedManifest> refused = anonymous.GetManifest("v1");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kUnauthorized);
}
