// hoist serve (issue 23): a directory served as an OCI registry, driven by hoist, skopeo and raw
// HTTP (curl, and a socket for a cut request).

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/digest.h"
#include "integration/serve_test_support.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

using hoist::Digest;
using hoist::serve_test::BodyFile;
using hoist::serve_test::Client;
using hoist::serve_test::CountEntries;
using hoist::serve_test::Http;
using hoist::serve_test::HttpResult;
using hoist::serve_test::NamedDigest;
using hoist::serve_test::SendAndCut;
using hoist::serve_test::ServeProcess;
using hoist::testing::CommandResult;
using hoist::testing::ReadFile;
using hoist::testing::RunCommand;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

namespace {

// Pushes `content` as a blob with a monolithic POST; returns its digest.
std::string PushBlob(const ServeProcess& s, const TempDir& tmp, const std::string& repo, const std::string& content) {
  const std::string d = Digest::Of(content).str();
  HttpResult r = Http("POST", s.url() + "/v2/" + repo + "/blobs/uploads/?digest=" + d,
                      {"-H", "Content-Type: application/octet-stream", "--data-binary", BodyFile(tmp, "blob", content)});
  INFO(r.body);
  REQUIRE(r.status == 201);
  return d;
}

std::string ImageManifest(const std::string& config_digest, size_t config_size, const std::string& layer_digest,
                          size_t layer_size, const std::string& extra = "") {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
         config_digest + R"(","size":)" + std::to_string(config_size) +
         R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" + layer_digest +
         R"(","size":)" + std::to_string(layer_size) + "}]" + extra + "}";
}

const char* kManifestType = "Content-Type: application/vnd.oci.image.manifest.v1+json";

}  // namespace

TEST_CASE("serve: an image pushed by hoist is pulled back by hoist and skopeo with the same digest") {
  TempDir served;
  ServeProcess s({served / "registry"});
  Client a, b;
  a.Import("localhost/app:1", "hello from a\n");
  const std::string digest = NamedDigest(a.store(), "localhost/app:1");
  REQUIRE(!digest.empty());

  CommandResult push = a.Hoist({"push", "localhost/app:1", "docker://" + s.host() + "/team/app:1"});
  INFO(push.err << s.log());
  REQUIRE(push.exit_code == 0);
  HttpResult head = Http("HEAD", s.url() + "/v2/team/app/manifests/1",
                         {"-H", "Accept: application/vnd.oci.image.manifest.v1+json"});
  CHECK(head.status == 200);
  CHECK(head.Header("docker-content-digest") == digest);
  CHECK(NamedDigest(served / "registry", "team/app:1") == digest);  // a plain OCI layout

  CommandResult pull = b.Hoist({"pull", s.host() + "/team/app:1"});
  INFO(pull.err);
  REQUIRE(pull.exit_code == 0);
  CHECK(NamedDigest(b.store(), s.host() + "/team/app:1") == digest);

  TempDir out;
  CommandResult sk = RunCommand({"skopeo", "copy", "--src-tls-verify=false", "docker://" + s.host() + "/team/app:1",
                                 "oci:" + (out / "oci") + ":1"});
  INFO(sk.err);
  REQUIRE(sk.exit_code == 0);
  CHECK(NamedDigest(out / "oci", "1") == digest);
}

TEST_CASE("serve: a served store is pulled from by its full names and skopeo pushes into it") {
  Client a, b;
  a.Import("localhost/app:1", "store content\n");
  const std::string digest = NamedDigest(a.store(), "localhost/app:1");
  ServeProcess s({a.store()});
  CommandResult pull = b.Hoist({"pull", s.host() + "/localhost/app:1"});
  INFO(pull.err << s.log());
  REQUIRE(pull.exit_code == 0);
  CHECK(NamedDigest(b.store(), s.host() + "/localhost/app:1") == digest);

  TempDir out;
  REQUIRE(RunCommand({"skopeo", "copy", "--src-tls-verify=false", "docker://" + s.host() + "/localhost/app:1",
                      "oci:" + (out / "oci") + ":x"})
              .exit_code == 0);
  CommandResult sk = RunCommand({"skopeo", "copy", "--dest-tls-verify=false", "oci:" + (out / "oci") + ":x",
                                 "docker://" + s.host() + "/mirror/app:2"});
  INFO(sk.err << s.log());
  REQUIRE(sk.exit_code == 0);
  CHECK(NamedDigest(a.store(), "mirror/app:2") == digest);
  // The store still reads as a store: hoist lists both names.
  CommandResult images = a.Hoist({"images"});
  CHECK(images.out.find("localhost/app") != std::string::npos);
  CHECK(images.out.find("mirror/app") != std::string::npos);
}

TEST_CASE("serve: --prefix serves names under a path and --read-only refuses writes with DENIED") {
  Client a;
  a.Import("localhost/app:1", "prefixed\n");
  ServeProcess s({a.store(), "--prefix", "site", "--read-only"});
  HttpResult ok = Http("GET", s.url() + "/v2/site/localhost/app/manifests/1");
  CHECK(ok.status == 200);
  HttpResult outside = Http("GET", s.url() + "/v2/localhost/app/manifests/1");
  CHECK(outside.status == 404);
  CHECK(outside.body.find("NAME_UNKNOWN") != std::string::npos);
  HttpResult catalog = Http("GET", s.url() + "/v2/_catalog");
  CHECK(catalog.body == R"({"repositories":["site/localhost/app"]})");
  HttpResult post = Http("POST", s.url() + "/v2/site/localhost/app/blobs/uploads/");
  CHECK(post.status == 403);
  CHECK(post.body.find("DENIED") != std::string::npos);
  HttpResult del = Http("DELETE", s.url() + "/v2/site/localhost/app/manifests/1");
  CHECK(del.status == 403);
  CHECK(!NamedDigest(a.store(), "localhost/app:1").empty());
}

TEST_CASE("serve: a wrong digest or size is refused with the spec's errors and nothing is stored") {
  TempDir served, tmp;
  ServeProcess s({served / "r"});
  const std::string blobs = served / "r/blobs/sha256";
  const size_t before = CountEntries(blobs);
  HttpResult wrong = Http("POST", s.url() + "/v2/x/blobs/uploads/?digest=" + Digest::Of("other").str(),
                          {"--data-binary", BodyFile(tmp, "b", "content")});
  CHECK(wrong.status == 400);
  CHECK(wrong.body.find("DIGEST_INVALID") != std::string::npos);
  HttpResult bad = Http("POST", s.url() + "/v2/x/blobs/uploads/?digest=sha256:1234", {"--data-binary", "@" + (tmp / "b")});
  CHECK(bad.status == 400);
  CHECK(bad.body.find("DIGEST_INVALID") != std::string::npos);
  CHECK(CountEntries(blobs) == before);
  CHECK(CountEntries(served / "r/.hoist/uploads") == 0);

  // A manifest naming a blob that is not there, or pushed under another digest.
  const std::string config = PushBlob(s, tmp, "x", "{}");
  const std::string missing = Digest::Of("absent layer").str();
  const std::string m = ImageManifest(config, 2, missing, 12);
  HttpResult unknown = Http("PUT", s.url() + "/v2/x/manifests/1", {"-H", kManifestType, "--data-binary", BodyFile(tmp, "m", m)});
  CHECK(unknown.status == 400);
  CHECK(unknown.body.find("MANIFEST_BLOB_UNKNOWN") != std::string::npos);
  const std::string layer = PushBlob(s, tmp, "x", "layer!");
  const std::string good = ImageManifest(config, 2, layer, 6);
  HttpResult mismatch = Http("PUT", s.url() + "/v2/x/manifests/" + Digest::Of("not it").str(),
                             {"-H", kManifestType, "--data-binary", BodyFile(tmp, "m", good)});
  CHECK(mismatch.status == 400);
  CHECK(mismatch.body.find("DIGEST_INVALID") != std::string::npos);
  HttpResult garbage = Http("PUT", s.url() + "/v2/x/manifests/1", {"-H", kManifestType, "--data-binary", BodyFile(tmp, "m", "{")});
  CHECK(garbage.status == 400);
  CHECK(garbage.body.find("MANIFEST_INVALID") != std::string::npos);
  CHECK(NamedDigest(served / "r", "x:1").empty());
  CHECK(CountEntries(blobs) == before + 2);  // the config and the layer only

  HttpResult put = Http("PUT", s.url() + "/v2/x/manifests/1", {"-H", kManifestType, "--data-binary", BodyFile(tmp, "m", good)});
  CHECK(put.status == 201);
  CHECK(put.Header("docker-content-digest") == Digest::Of(good).str());
}

TEST_CASE("serve: an upload cut mid-PATCH keeps the bytes that arrived and resumes from its Range") {
  TempDir served, tmp;
  ServeProcess s({served / "r"});
  HttpResult start = Http("POST", s.url() + "/v2/x/blobs/uploads/");
  REQUIRE(start.status == 202);
  const std::string location = start.Header("location");
  REQUIRE(location.rfind("/v2/x/blobs/uploads/", 0) == 0);
  CHECK(start.Header("range") == "0-0");

  std::string blob(100000, '\0');
  for (size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<char>(i * 7 + 3);
  // A PATCH announcing the whole blob, cut after 60000 bytes.
  SendAndCut(s.port(), "PATCH " + location + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                       "Content-Length: 100000\r\n\r\n" + blob.substr(0, 60000));
  HttpResult status = Http("GET", s.url() + location);
  CHECK(status.status == 204);
  CHECK(status.Header("range") == "0-59999");

  // The wrong offset is refused with where the upload stands.
  HttpResult wrong = Http("PATCH", s.url() + location,
                          {"-H", "Content-Range: 0-39999", "--data-binary", BodyFile(tmp, "rest", blob.substr(60000))});
  CHECK(wrong.status == 416);
  CHECK(wrong.Header("range") == "0-59999");
  HttpResult rest = Http("PATCH", s.url() + location,
                         {"-H", "Content-Range: 60000-99999", "--data-binary", BodyFile(tmp, "rest", blob.substr(60000))});
  CHECK(rest.status == 202);
  CHECK(rest.Header("range") == "0-99999");
  HttpResult done = Http("PUT", s.url() + location + "?digest=" + Digest::Of(blob).str());
  CHECK(done.status == 201);
  CHECK(ReadFile(served / ("r/blobs/sha256/" + Digest::Of(blob).hex())) == blob);
  CHECK(CountEntries(served / "r/.hoist/uploads") == 0);
  CHECK(Http("GET", s.url() + location).status == 404);
}

TEST_CASE("serve: tags/list and _catalog page with n and last and link the next page") {
  TempDir served, tmp;
  ServeProcess s({served / "r"});
  const std::string config = PushBlob(s, tmp, "a", "{}");
  const std::string layer = PushBlob(s, tmp, "a", "l");
  const std::string m = ImageManifest(config, 2, layer, 1);
  for (const char* repo : {"a", "b", "c/d"}) {
    for (const char* tag : {"1", "2", "3"}) {
      REQUIRE(Http("PUT", s.url() + "/v2/" + repo + "/manifests/" + tag, {"-H", kManifestType, "--data-binary", BodyFile(tmp, "m", m)})
                  .status == 201);
    }
  }
  HttpResult page = Http("GET", s.url() + "/v2/a/tags/list?n=2");
  CHECK(page.body == R"({"name":"a","tags":["1","2"]})");
  CHECK(page.Header("link") == R"(</v2/a/tags/list?n=2&last=2>; rel="next")");
  HttpResult next = Http("GET", s.url() + "/v2/a/tags/list?n=2&last=2");
  CHECK(next.body == R"({"name":"a","tags":["3"]})");
  CHECK(next.Header("link").empty());
  HttpResult catalog = Http("GET", s.url() + "/v2/_catalog?n=1&last=a");
  CHECK(catalog.body == R"({"repositories":["b"]})");
  CHECK(catalog.Header("link") == R"(</v2/_catalog?n=1&last=b>; rel="next")");
  CHECK(Http("GET", s.url() + "/v2/zzz/tags/list").status == 404);
  // Deleting by tag and by digest.
  CHECK(Http("DELETE", s.url() + "/v2/a/manifests/1").status == 202);
  CHECK(Http("GET", s.url() + "/v2/a/tags/list").body == R"({"name":"a","tags":["2","3"]})");
  CHECK(Http("DELETE", s.url() + "/v2/b/manifests/" + Digest::Of(m).str()).status == 202);
  CHECK(Http("GET", s.url() + "/v2/_catalog").body == R"({"repositories":["a","c/d"]})");
}

TEST_CASE("serve: blobs answer Range requests and unknown things get the spec's errors") {
  TempDir served, tmp;
  ServeProcess s({served / "r"});
  const std::string d = PushBlob(s, tmp, "x", "0123456789");
  HttpResult part = Http("GET", s.url() + "/v2/x/blobs/" + d, {"-H", "Range: bytes=2-5"});
  CHECK(part.status == 206);
  CHECK(part.body == "2345");
  CHECK(part.Header("content-range") == "bytes 2-5/10");
  HttpResult head = Http("HEAD", s.url() + "/v2/x/blobs/" + d);
  CHECK(head.status == 200);
  CHECK(head.Header("content-length") == "10");
  CHECK(head.Header("docker-content-digest") == d);
  CHECK(Http("GET", s.url() + "/v2/x/blobs/" + d, {"-H", "Range: bytes=20-"}).status == 416);
  HttpResult blob = Http("GET", s.url() + "/v2/x/blobs/" + Digest::Of("nope").str());
  CHECK(blob.status == 404);
  CHECK(blob.body.find("BLOB_UNKNOWN") != std::string::npos);
  HttpResult name = Http("GET", s.url() + "/v2/nope/manifests/1");
  CHECK(name.status == 404);
  CHECK(name.body.find("NAME_UNKNOWN") != std::string::npos);
  HttpResult invalid = Http("GET", s.url() + "/v2/UPPER/manifests/1");
  CHECK(invalid.status == 400);
  CHECK(invalid.body.find("NAME_INVALID") != std::string::npos);
  HttpResult ping = Http("GET", s.url() + "/v2/");
  CHECK(ping.status == 200);
  CHECK(ping.Header("docker-distribution-api-version") == "registry/2.0");
}

TEST_CASE("serve: referrers list the manifests whose subject is a digest, filtered by artifactType") {
  TempDir served, tmp;
  ServeProcess s({served / "r"});
  const std::string config = PushBlob(s, tmp, "x", "{}");
  const std::string layer = PushBlob(s, tmp, "x", "l");
  const std::string image = ImageManifest(config, 2, layer, 1);
  REQUIRE(Http("PUT", s.url() + "/v2/x/manifests/1", {"-H", kManifestType, "--data-binary", BodyFile(tmp, "m", image)}).status == 201);
  const std::string subject = R"(,"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                              Digest::Of(image).str() + R"(","size":)" + std::to_string(image.size()) + "}";
  const std::string sbom = ImageManifest(config, 2, layer, 1, R"(,"artifactType":"application/spdx+json")" + subject);
  const std::string sig = ImageManifest(config, 2, layer, 1, R"(,"artifactType":"application/vnd.dev.cosign")" + subject);
  for (const std::string& m : {sbom, sig}) {
    HttpResult put = Http("PUT", s.url() + "/v2/x/manifests/" + Digest::Of(m).str(),
                          {"-H", kManifestType, "--data-binary", BodyFile(tmp, "m", m)});
    CHECK(put.status == 201);
    CHECK(put.Header("oci-subject") == Digest::Of(image).str());
  }
  auto all = nlohmann::json::parse(Http("GET", s.url() + "/v2/x/referrers/" + Digest::Of(image).str()).body);
  CHECK(all["manifests"].size() == 2);
  HttpResult filtered = Http("GET", s.url() + "/v2/x/referrers/" + Digest::Of(image).str() + "?artifactType=application/spdx%2Bjson");
  auto f = nlohmann::json::parse(filtered.body);
  REQUIRE(f["manifests"].size() == 1);
  CHECK(f["manifests"][0]["digest"] == Digest::Of(sbom).str());
  CHECK(filtered.Header("oci-filters-applied") == "artifactType");
  CHECK(nlohmann::json::parse(Http("GET", s.url() + "/v2/x/referrers/" + Digest::Of("none").str()).body)["manifests"].empty());
}
