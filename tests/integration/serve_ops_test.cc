// hoist serve run for real (issue 23): TLS and htpasswd, the access log, /metrics, SIGTERM and a
// restart that keeps uploads resumable, mounts, a cosign signature, and hostile requests.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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
using hoist::serve_test::ServeProcess;
using hoist::testing::CommandResult;
using hoist::testing::ReadFile;
using hoist::testing::RunCommand;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

TEST_CASE("serve: TLS and htpasswd refuse the unauthenticated and log the user, never the password") {
  TempDir tmp;
  REQUIRE(RunCommand({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                      "-keyout", tmp / "key.pem", "-out", tmp / "cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                      "-addext", "subjectAltName=IP:127.0.0.1"})
              .exit_code == 0);
  CommandResult hash = RunCommand({"htpasswd", "-Bbn", "alice", "s3cret-pass"});
  REQUIRE(hash.exit_code == 0);
  WriteFile(tmp / "htpasswd", hash.out);
  ServeProcess s({tmp / "r", "--tls-cert", tmp / "cert.pem", "--tls-key", tmp / "key.pem", "--htpasswd", tmp / "htpasswd"});
  const std::string url = "https://" + s.host();
  HttpResult anonymous = Http("GET", url + "/v2/", {"--cacert", tmp / "cert.pem"});
  CHECK(anonymous.status == 401);
  CHECK(anonymous.Header("www-authenticate").find("Basic") == 0);
  CHECK(anonymous.body.find("UNAUTHORIZED") != std::string::npos);
  CHECK(Http("GET", url + "/v2/", {"--cacert", tmp / "cert.pem", "-u", "alice:wrong"}).status == 401);
  CHECK(Http("GET", url + "/v2/", {"--cacert", tmp / "cert.pem", "-u", "alice:s3cret-pass"}).status == 200);
  HttpResult metrics = Http("GET", url + "/metrics", {"--cacert", tmp / "cert.pem", "-u", "alice:s3cret-pass"});
  CHECK(metrics.status == 200);
  CHECK(metrics.body.find("hoist_serve_requests_total{method=\"GET\",code=\"401\"} 2") != std::string::npos);
  CHECK(metrics.body.find("hoist_serve_uploads_in_flight 0") != std::string::npos);
  CHECK(RunCommand({"curl", "-s", "--max-time", "5", "http://" + s.host() + "/v2/"}).out.find("{}") == std::string::npos);
  const std::string log = s.log();
  CHECK(log.find("127.0.0.1 - alice [") != std::string::npos);
  CHECK(log.find("s3cret") == std::string::npos);
  CHECK(log.find("Basic") == std::string::npos);
}

TEST_CASE("serve: an upload outlives a restart of serve, and SIGTERM stops it cleanly") {
  TempDir tmp;
  std::string location;
  {
    ServeProcess s({tmp / "r"});
    HttpResult start = Http("POST", s.url() + "/v2/x/blobs/uploads/");
    location = start.Header("location");
    REQUIRE(Http("PATCH", s.url() + location, {"--data-binary", BodyFile(tmp, "a", "first half,")}).status == 202);
    CHECK(s.Stop() == 0);
    CHECK(s.log().find("stopping") == std::string::npos);  // stdout, not the log
  }
  ServeProcess again({tmp / "r"});
  HttpResult status = Http("GET", again.url() + location);
  CHECK(status.status == 204);
  CHECK(status.Header("range") == "0-10");
  const std::string all = "first half,second half";
  REQUIRE(Http("PUT", again.url() + location + "?digest=" + Digest::Of(all).str(),
               {"--data-binary", BodyFile(tmp, "b", "second half")})
              .status == 201);
  CHECK(ReadFile(tmp / ("r/blobs/sha256/" + Digest::Of(all).hex())) == all);
}

TEST_CASE("serve: a cross-repository mount answers 201 for a blob it has and 202 with a session otherwise") {
  TempDir tmp;
  ServeProcess s({tmp / "r"});
  const std::string d = Digest::Of("shared").str();
  REQUIRE(Http("POST", s.url() + "/v2/a/blobs/uploads/?digest=" + d, {"--data-binary", BodyFile(tmp, "b", "shared")}).status == 201);
  HttpResult mounted = Http("POST", s.url() + "/v2/b/blobs/uploads/?mount=" + d + "&from=a");
  CHECK(mounted.status == 201);
  CHECK(mounted.Header("location") == "/v2/b/blobs/" + d);
  HttpResult fallback = Http("POST", s.url() + "/v2/b/blobs/uploads/?mount=" + Digest::Of("absent").str() + "&from=a");
  CHECK(fallback.status == 202);
  CHECK(fallback.Header("location").rfind("/v2/b/blobs/uploads/", 0) == 0);
  CHECK(Http("DELETE", s.url() + fallback.Header("location")).status == 204);
}

TEST_CASE("serve: a cosign signature made by hoist sign round-trips through it") {
  TempDir tmp;
  ServeProcess s({tmp / "r"});
  Client c;
  c.extra_env = {"COSIGN_PASSWORD=pw"};
  c.Import("localhost/app:1", "signed\n");
  const std::string ref = "docker://" + s.host() + "/app:1";
  CommandResult push = c.Hoist({"push", "localhost/app:1", ref});
  INFO(push.err << s.log());
  REQUIRE(push.exit_code == 0);
  REQUIRE(c.Hoist({"key", "generate", "--output-key-prefix", tmp / "k"}).exit_code == 0);
  CommandResult sign = c.Hoist({"sign", "--key", tmp / "k.key", ref});
  INFO(sign.err << s.log());
  REQUIRE(sign.exit_code == 0);
  CommandResult verify = c.Hoist({"verify", "--key", tmp / "k.pub", ref});
  INFO(verify.err);
  CHECK(verify.exit_code == 0);
  auto tags = nlohmann::json::parse(Http("GET", s.url() + "/v2/app/tags/list").body);
  bool has_sig = false;
  for (const auto& t : tags["tags"]) has_sig |= t.get<std::string>().ends_with(".sig");
  CHECK(has_sig);
}

TEST_CASE("serve: hostile requests are refused, nothing is stored and the server stays up") {
  TempDir tmp;
  ServeProcess s({tmp / "r", "--max-connections", "64"});
  const std::string blobs = tmp / "r/blobs/sha256";
  const size_t before = CountEntries(blobs);
  for (const char* path : {"/v2/../../etc/passwd/manifests/1", "/v2/x/blobs/sha256:..%2F..%2Findex.json",
                           "/v2/x/blobs/uploads/..%2F..%2Findex.json", "/v2/x%00y/manifests/1",
                           "/v2/x/manifests/..%2F..%2Findex.json", "/v2/x/blobs/sha256:ZZZ"}) {
    HttpResult r = Http("PUT", s.url() + path, {"--path-as-is", "--data-binary", "x"});
    INFO(path << " → " << r.status << " " << r.body);
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
  }
  // A manifest over the 4 MiB limit, and headers over the connection's memory.
  HttpResult big = Http("PUT", s.url() + "/v2/x/manifests/1",
                        {"-H", "Content-Type: application/vnd.oci.image.manifest.v1+json", "--data-binary",
                         BodyFile(tmp, "big", std::string(5 << 20, ' '))});
  CHECK(big.status == 413);
  HttpResult header = Http("GET", s.url() + "/v2/", {"-H", "X-Big: " + std::string(100000, 'a')});
  CHECK(header.status == 431);
  // Far more connections than --max-connections at once, each sending half a request.
  std::vector<int> fds;
  for (int i = 0; i < 1000; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) break;  // this process's descriptor limit
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(s.port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      (void)!::send(fd, "GET /v2/ HT", 11, MSG_NOSIGNAL);
    }
    fds.push_back(fd);
  }
  for (int fd : fds) ::close(fd);
  REQUIRE(s.Running());
  HttpResult ping;
  for (int i = 0; i < 50 && ping.status != 200; ++i) {
    ping = Http("GET", s.url() + "/v2/");
    if (ping.status != 200) usleep(100000);
  }
  CHECK(ping.status == 200);
  CHECK(CountEntries(blobs) == before);
  CHECK(CountEntries(tmp / "r/.hoist/uploads") == 0);
  CHECK(ReadFile(tmp / "r/index.json").find("manifests\":[]") != std::string::npos);
}
