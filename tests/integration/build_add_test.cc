// `hoist build`'s ADD beyond plain files: local bzip2 and xz tar archives unpacked, and URLs
// fetched from a small in-test HTTP server (success, redirects, Last-Modified, --checksum, the
// cache, 404, credentials). The busybox base comes from build_test_support.h.

#include <catch2/catch.hpp>

#include "core/digest.h"
#include "integration/build_test_support.h"
#include "support/tiny_http_server.h"

using hoist::Digest;
using hoist::testing::BuildEnv;
using hoist::testing::Count;
using hoist::testing::HttpExchange;
using hoist::testing::kBuildBase;
using hoist::testing::RunCommand;
using hoist::testing::TinyHttpServer;
using hoist::testing::TinyResponse;

#define REQUIRE_BUSYBOX(e)                         \
  if (!(e).ok) {                                   \
    WARN("busybox-static not installed: skipped"); \
    return;                                        \
  }

namespace {

const std::string kHello = "hello over http\n";
const char* kLastModified = "Wed, 21 Oct 2015 07:28:00 GMT";  // 1445412480

// /files/hello.txt (with Last-Modified), /files/app.tar.gz (an archive, served as bytes),
// /latest (302 to hello.txt), /missing (404).
TinyResponse Serve(const HttpExchange& req, const std::string& archive) {
  TinyResponse r;
  if (req.target.substr(0, req.target.find('?')) == "/files/hello.txt") {
    r.headers = {{"Last-Modified", kLastModified}};
    r.body = kHello;
  } else if (req.target == "/files/app.tar.gz") {
    r.body = archive;
  } else if (req.target == "/latest") {
    r.status = 302;
    r.headers = {{"Location", "/files/hello.txt"}};
  } else {
    r.status = 404;
    r.body = "no such file";
  }
  return r;
}

int Requests(const TinyHttpServer& server, const std::string& target) {
  int n = 0;
  for (const auto& r : server.requests()) n += r.target == target ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("ADD unpacks local bzip2 and xz tar archives, and copies a compressed non-tar file") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("bzxz", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\n"
                                               "ADD files.tar.bz2 /bz/\n"
                                               "ADD files.tar.xz /xz\n"
                                               "ADD notes.bz2 /notes.bz2\n"},
                                {"tree/a/b.txt", "inside the archive\n"},
                                {"tree/c.txt", "top\n"},
                                {"notes", "just text\n"}});
  REQUIRE(RunCommand({"tar", "-C", ctx + "/tree", "-cjf", ctx + "/files.tar.bz2", "a", "c.txt"}).exit_code == 0);
  REQUIRE(RunCommand({"tar", "-C", ctx + "/tree", "-cJf", ctx + "/files.tar.xz", "a"}).exit_code == 0);
  REQUIRE(RunCommand({"bzip2", "-k", ctx + "/notes"}).exit_code == 0);
  e.Build(ctx, {"-t", "localhost/test/bzxz:1"});
  const std::string notes_size = std::to_string(hoist::testing::ReadFile(ctx + "/notes.bz2").size());
  CHECK(e.Run("localhost/test/bzxz:1", "cat /bz/a/b.txt /bz/c.txt /xz/a/b.txt; wc -c < /notes.bz2") ==
        "inside the archive\ntop\ninside the archive\n" + notes_size + "\n");

  // A truncated archive is an error naming the file and the format, not a partial unpack.
  const std::string whole = hoist::testing::ReadFile(ctx + "/files.tar.xz");
  hoist::testing::WriteFile(ctx + "/files.tar.xz", whole.substr(0, whole.size() - 20));
  auto cut = e.Hoist({"build", "-t", "localhost/test/bzxz:2", ctx});
  CHECK(cut.exit_code != 0);
  CHECK_THAT(cut.err, Catch::Contains("Dockerfile:3") && Catch::Contains("xz") && Catch::Contains("files.tar.xz"));
  CHECK(e.Hoist({"inspect", "localhost/test/bzxz:2"}).exit_code == 3);
}

TEST_CASE("ADD URL fetches the file: its name, mode 0600, Last-Modified, redirects, never unpacked") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto tree = e.Context("tree", {{"a/b.txt", "x\n"}});
  REQUIRE(RunCommand({"tar", "-C", tree, "-czf", e.tmp / "app.tar.gz", "a"}).exit_code == 0);
  const std::string archive = hoist::testing::ReadFile(e.tmp / "app.tar.gz");
  TinyHttpServer server([&](const HttpExchange& req) { return Serve(req, archive); });
  const std::string checksum = Digest::Of(kHello).str();
  auto ctx = e.Context("url", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\n" +
                                                  "ADD " + server.url("/files/hello.txt") + " /dl/\n" +
                                                  "ADD " + server.url("/files/app.tar.gz") + " /dl/\n" +
                                                  "ADD --checksum=" + checksum + " " + server.url("/latest") +
                                                  " /named.txt\n" +
                                                  "ADD --chmod=0644 " + server.url("/files/hello.txt?v=2") + " /x/\n"}});
  auto built = e.Build(ctx, {"-t", "localhost/test/url:1"});
  CHECK(e.Run("localhost/test/url:1",
              "cat /dl/hello.txt /named.txt; stat -c '%a %Y' /dl/hello.txt /named.txt /x/hello.txt; "
              "ls /dl; tar -tzf /dl/app.tar.gz") ==
        kHello + kHello + "600 1445412480\n600 1445412480\n644 1445412480\napp.tar.gz\nhello.txt\na/\na/b.txt\n");
  for (const auto& r : server.requests()) {
    CHECK(r.method == "GET");
    CHECK_FALSE(r.Header("Authorization"));
  }

  // A rebuild fetches the URLs without --checksum again (their content is their cache key) and is
  // all CACHED; the --checksum step is cached by the checksum alone, without a request.
  const int latest = Requests(server, "/latest");
  const int hello = Requests(server, "/files/hello.txt");
  auto again = e.Build(ctx, {"-t", "localhost/test/url:1"});
  CHECK(Count(again.err, " ---> CACHED") == 4);
  CHECK(Requests(server, "/latest") == latest);
  CHECK(Requests(server, "/files/hello.txt") == hello + 1);
  CHECK(again.out == built.out);
}

TEST_CASE("ADD --checksum refuses other content and a 404 names the URL, leaving no name") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  TinyHttpServer server([](const HttpExchange& req) { return Serve(req, ""); });
  const std::string from = std::string("FROM ") + kBuildBase + "\n";
  const std::string wrong = Digest::Of("something else").str();
  auto ctx = e.Context("sum", {{"Dockerfile", from + "ADD --checksum=" + wrong + " " +
                                                  server.url("/files/hello.txt") + " /hello.txt\n"}});
  auto bad = e.Hoist({"build", "-t", "localhost/test/sum:1", ctx});
  CHECK(bad.exit_code == 5);
  CHECK_THAT(bad.err, Catch::Contains("Dockerfile:2") && Catch::Contains(wrong) &&
                          Catch::Contains(Digest::Of(kHello).str()) && Catch::Contains("/files/hello.txt"));
  CHECK(e.Hoist({"inspect", "localhost/test/sum:1"}).exit_code == 3);

  auto missing = e.Context("missing", {{"Dockerfile", from + "ADD " + server.url("/missing") + " /m\n"}});
  auto r404 = e.Hoist({"build", "-t", "localhost/test/missing:1", missing});
  CHECK(r404.exit_code == 3);
  CHECK_THAT(r404.err, Catch::Contains("Dockerfile:2") && Catch::Contains(server.url("/missing")) &&
                           Catch::Contains("404"));
  CHECK(e.Hoist({"inspect", "localhost/test/missing:1"}).exit_code == 3);
}

TEST_CASE("ADD URL refuses credentials in the URL, COPY refuses URLs, --checksum needs a URL") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  TinyHttpServer server([](const HttpExchange& req) { return Serve(req, ""); });
  const std::string from = std::string("FROM ") + kBuildBase + "\n";
  std::string with_password = server.url("/files/hello.txt");
  with_password.insert(std::string("http://").size(), "user:s3cret@");
  struct Case {
    const char* what;
    std::string line;
    const char* message;
  };
  std::vector<Case> cases = {
      {"credentials", "ADD " + with_password + " /x\n", "credentials"},
      {"COPY of a URL", "COPY " + server.url("/files/hello.txt") + " /x\n", "use ADD"},
      {"checksum of a file", "ADD --checksum=" + Digest::Of("").str() + " local.txt /x\n", "--checksum"},
      {"bad checksum", "ADD --checksum=md5:abc " + server.url("/files/hello.txt") + " /x\n", "--checksum"},
      {"git with a password", "ADD https://user:s3cret@example.com/repo.git#main /src\n", "credentials in the git URL"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto ctx = e.Context("refused", {{"Dockerfile", from + c.line}, {"local.txt", "l"}});
    auto r = e.Hoist({"build", "-t", "localhost/test/refused:1", ctx});
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("Dockerfile:2") && Catch::Contains(c.message));
    // The error (the progress line echoes the Dockerfile as written) never repeats the password.
    for (size_t at = r.err.find("Dockerfile:2"); at != std::string::npos; at = r.err.find("Dockerfile:2", at + 1)) {
      size_t end = r.err.find('\n', at);
      CHECK_THAT(r.err.substr(at, end == std::string::npos ? end : end - at), !Catch::Contains("s3cret"));
    }
  }
  CHECK(server.requests().empty());
}
