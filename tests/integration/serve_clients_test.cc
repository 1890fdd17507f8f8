// hoist serve (issue 23) with real clients: token authentication with hoist as the client and a
// token issuer made in the test, a `mirror run --to dir:` bundle served, a multi-platform index,
// skopeo sync, podman, and slow clients.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "integration/serve_test_support.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "support/token_issuer.h"
#include "transfer_test_support.h"

using hoist::serve_test::Client;
using hoist::serve_test::Connect;
using hoist::serve_test::Http;
using hoist::serve_test::HttpResult;
using hoist::serve_test::NamedDigest;
using hoist::serve_test::ServeProcess;
using hoist::testing::CommandResult;
using hoist::testing::ReadFile;
using hoist::testing::RunCommand;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;
using hoist::testing::TokenIssuer;
using hoist::testing::WriteFile;
using hoist::transfer_test::Layout;

TEST_CASE("serve: token auth lets a push token push and pull, and refuses a push to a pull-only token") {
  TokenIssuer issuer;
  issuer.AddUser("alice", "alice-pw");
  issuer.AddUser("bob", "bob-pw");
  issuer.Allow("alice", "*", {"pull", "push"});
  issuer.Allow("bob", "*", {"pull"});
  TempDir tmp;
  ServeProcess s({tmp / "r", "--auth-token-realm", issuer.realm(), "--auth-token-service", TokenIssuer::kService,
                  "--auth-token-issuer", TokenIssuer::kIssuer, "--auth-token-rootcertbundle", issuer.cert_file()});

  HttpResult anonymous = Http("POST", s.url() + "/v2/team/app/blobs/uploads/");
  CHECK(anonymous.status == 401);
  CHECK(anonymous.Header("www-authenticate") == "Bearer realm=\"" + issuer.realm() + "\",service=\"" +
                                                    TokenIssuer::kService +
                                                    "\",scope=\"repository:team/app:pull,push\"");
  CHECK(Http("GET", s.url() + "/v2/", {"-H", "Authorization: Bearer e30.e30.AA"}).body.find("malformed_token") !=
        std::string::npos);

  Client alice, bob;
  alice.Login(s.host(), "alice", "alice-pw");
  bob.Login(s.host(), "bob", "bob-pw");
  alice.Import("localhost/app:1", "token-authenticated\n");
  const std::string digest = NamedDigest(alice.store(), "localhost/app:1");
  CommandResult push = alice.Hoist({"push", "localhost/app:1", "docker://" + s.host() + "/team/app:1"});
  INFO(push.err << s.log());
  REQUIRE(push.exit_code == 0);
  CHECK(issuer.last_claims().find(R"("actions":["pull","push"])") != std::string::npos);

  CommandResult pull = bob.Hoist({"pull", s.host() + "/team/app:1"});
  INFO(pull.err);
  REQUIRE(pull.exit_code == 0);
  CHECK(NamedDigest(bob.store(), s.host() + "/team/app:1") == digest);

  CommandResult refused = bob.Hoist({"push", s.host() + "/team/app:1", "docker://" + s.host() + "/team/bob:1"});
  CHECK(refused.exit_code != 0);
  INFO(refused.err);
  CHECK(refused.err.find("does not grant repository:team/bob:push") != std::string::npos);
  CHECK(NamedDigest(tmp / "r", "team/bob:1").empty());
  CHECK(s.log().find(" alice [") != std::string::npos);
}

TEST_CASE("serve: a multi-platform index pushed through it comes back by digest, by hoist and skopeo sync") {
  TempDir tmp;
  ServeProcess s({tmp / "r"});
  Layout layout(tmp / "src");
  hoist::Descriptor amd = layout.AddImage({700}, "amd64", 1), arm = layout.AddImage({800}, "arm64", 2);
  hoist::Descriptor index = layout.AddIndex({{amd, "linux/amd64"}, {arm, "linux/arm64"}});
  layout.Name("multi", index);
  Client c;
  CommandResult push = c.Hoist({"copy", "oci:" + (tmp / "src") + ":multi", "docker://" + s.host() + "/team/multi:1"});
  INFO(push.err << s.log());
  REQUIRE(push.exit_code == 0);
  CHECK(NamedDigest(tmp / "r", "team/multi:1") == index.digest.str());

  const std::string by_digest = "docker://" + s.host() + "/team/multi@" + index.digest.str();
  CommandResult back = c.Hoist({"copy", by_digest, "oci:" + (tmp / "back") + ":m"});
  INFO(back.err);
  REQUIRE(back.exit_code == 0);
  CHECK(NamedDigest(tmp / "back", "m") == index.digest.str());
  for (const auto& d : {amd, arm}) CHECK(ReadFile(tmp / ("back/blobs/sha256/" + d.digest.hex())).size() == static_cast<size_t>(d.size));

  CommandResult sync = RunCommand({"skopeo", "sync", "--all", "--src", "docker", "--dest", "dir",
                                   "--src-tls-verify=false", s.host() + "/team/multi", tmp / "sync"});
  INFO(sync.out << sync.err);
  REQUIRE(sync.exit_code == 0);
  const std::string synced = ReadFile(tmp / "sync/multi:1/manifest.json");
  CHECK(hoist::Digest::Of(synced).str() == index.digest.str());
}

std::string ConfigDigest(const std::string& layout, const std::string& manifest_digest) {
  auto m = nlohmann::json::parse(ReadFile(layout + "/blobs/sha256/" + manifest_digest.substr(7)));
  return m["config"]["digest"].get<std::string>();
}

TEST_CASE("serve: every location kind goes through it and back with its digest kept") {
  TempDir tmp;
  ServeProcess s({tmp / "r"});
  Layout layout(tmp / "src");
  hoist::Descriptor image = layout.AddImage({500, 700}, "amd64", 4);
  layout.Name("app", image);
  Client c;
  auto copy = [&](const std::string& from, const std::string& to) {
    CommandResult r = c.Hoist({"copy", from, to});
    INFO(from << " → " << to << "\n" << r.err << s.log());
    REQUIRE(r.exit_code == 0);
  };
  const std::string served = "docker://" + s.host() + "/kinds/";
  copy("oci:" + (tmp / "src") + ":app", served + "oci:1");
  CHECK(NamedDigest(tmp / "r", "kinds/oci:1") == image.digest.str());

  copy(served + "oci:1", "oci-archive:" + (tmp / "a.tar") + ":app");
  copy("oci-archive:" + (tmp / "a.tar") + ":app", served + "oci-archive:1");
  CHECK(NamedDigest(tmp / "r", "kinds/oci-archive:1") == image.digest.str());

  // The store, with a real image (the layout's layers above are not tars): push, pull back.
  c.Import("localhost/kinds/real:1", "real content\n");
  CommandResult push = c.Hoist({"push", "localhost/kinds/real:1", served + "store:1"});
  INFO(push.err);
  REQUIRE(push.exit_code == 0);
  const std::string pushed = NamedDigest(tmp / "r", "kinds/store:1");
  REQUIRE(!pushed.empty());
  CommandResult pull = c.Hoist({"pull", s.host() + "/kinds/store:1"});
  INFO(pull.err);
  REQUIRE(pull.exit_code == 0);
  CHECK(NamedDigest(c.store(), s.host() + "/kinds/store:1") == pushed);

  // A docker-archive holds no manifest: what comes back is the same config over the same layers.
  copy(served + "store:1", "docker-archive:" + (tmp / "d.tar") + ":kinds/app:1");
  copy("docker-archive:" + (tmp / "d.tar"), served + "docker-archive:1");
  const std::string from_docker = NamedDigest(tmp / "r", "kinds/docker-archive:1");
  REQUIRE(!from_docker.empty());
  CHECK(ConfigDigest(tmp / "r", from_docker) == ConfigDigest(tmp / "r", pushed));
}

TEST_CASE("serve: a mirror run --to dir: bundle is served read-only and pulled from") {
  TempDir tmp;
  std::string app_digest;
  {
    ServeProcess upstream({tmp / "upstream"});
    Layout layout(tmp / "src");
    hoist::Descriptor image = layout.AddImage({600, 900}, "amd64", 3);
    layout.Name("app", image);
    app_digest = image.digest.str();
    Client c;
    CommandResult push = c.Hoist({"copy", "oci:" + (tmp / "src") + ":app", "docker://" + upstream.host() + "/lib/app:1"});
    INFO(push.err);
    REQUIRE(push.exit_code == 0);
    WriteFile(tmp / "sync.yaml", upstream.host() + ":\n  tls-verify: false\n  images:\n    lib/app: []\n");
    CommandResult run = c.Hoist({"mirror", "run", tmp / "sync.yaml", "--to", "dir:" + (tmp / "bundle")});
    INFO(run.out << run.err);
    REQUIRE(run.exit_code == 0);
  }
  ServeProcess site({tmp / "bundle", "--read-only"});
  Client puller;
  CommandResult pull = puller.Hoist({"pull", site.host() + "/lib/app:1"});
  INFO(pull.err << site.log());
  REQUIRE(pull.exit_code == 0);
  CHECK(NamedDigest(puller.store(), site.host() + "/lib/app:1") == app_digest);
  CHECK(Http("DELETE", site.url() + "/v2/lib/app/manifests/1").status == 403);
}

TEST_CASE("serve: a silent and a trickling client do not stop others and are cut after their timeouts") {
  TempDir tmp;
  ServeProcess s({tmp / "r", "--header-timeout", "2", "--idle-timeout", "2"});
  using std::chrono::steady_clock;
  const auto start = steady_clock::now();
  int silent = Connect(s.port());
  int trickle = Connect(s.port());
  std::atomic<double> trickle_cut_after{-1};
  std::thread trickler([&] {
    const std::string request = "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(200, 'a');
    for (char c : request) {  // one byte every 100 ms: never idle, never done
      if (::send(trickle, &c, 1, MSG_NOSIGNAL) != 1) {
        trickle_cut_after = std::chrono::duration<double>(steady_clock::now() - start).count();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  for (int i = 0; i < 3; ++i) CHECK(Http("GET", s.url() + "/v2/").status == 200);
  CHECK(steady_clock::now() - start < std::chrono::seconds(2));
  timeval wait{8, 0};
  ::setsockopt(silent, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  char byte = 0;
  CHECK(::recv(silent, &byte, 1, 0) <= 0);  // closed by serve, not the 8 s wait
  const double silent_cut_after = std::chrono::duration<double>(steady_clock::now() - start).count();
  CHECK(silent_cut_after >= 1.5);
  CHECK(silent_cut_after < 6);
  trickler.join();
  CHECK(trickle_cut_after >= 1.5);
  CHECK(trickle_cut_after < 6);
  ::close(silent);
  ::close(trickle);
  CHECK(Http("GET", s.url() + "/v2/").status == 200);
}

TEST_CASE("serve: a kept-alive connection trickling its next request's headers is cut after idle plus header time") {
  TempDir tmp;
  ServeProcess s({tmp / "r", "--header-timeout", "1", "--idle-timeout", "2"});
  int fd = Connect(s.port());
  const std::string first = "GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n";
  REQUIRE(::send(fd, first.data(), first.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(first.size()));
  timeval wait{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  char answer[4096];
  const ssize_t got = ::recv(fd, answer, sizeof answer, 0);
  REQUIRE(got > 0);
  CHECK(std::string(answer, static_cast<size_t>(got)).rfind("HTTP/1.1 200", 0) == 0);
  using std::chrono::steady_clock;
  const auto start = steady_clock::now();
  const std::string next = "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(200, 'a');
  double cut_after = -1;
  for (char c : next) {  // a byte every 100 ms: never idle, never done (20 s if never cut)
    if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) {
      cut_after = std::chrono::duration<double>(steady_clock::now() - start).count();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::close(fd);
  CHECK(cut_after >= 2.5);  // --idle-timeout 2 plus --header-timeout 1 after the answer
  CHECK(cut_after < 7);
  CHECK(Http("GET", s.url() + "/v2/").status == 200);
}

TEST_CASE("serve: a client gone in the middle of a PATCH ends its request at once and its upload keeps every byte") {
  TempDir tmp;
  ServeProcess s({tmp / "r"});  // the default --idle-timeout (120 s) must not be what ends it
  HttpResult started = Http("POST", s.url() + "/v2/gone/blobs/uploads/");
  REQUIRE(started.status == 202);
  const std::string location = started.Header("location");
  REQUIRE(!location.empty());
  int fd = Connect(s.port());
  const std::string head = "PATCH " + location + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                           "Content-Length: " + std::to_string(16 << 20) + "\r\n\r\n";
  REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
  const std::string body(6 << 20, 'x');  // 6 of the 16 MiB announced, then the end of the stream
  size_t sent = 0;
  while (sent < body.size()) {
    ssize_t n = ::send(fd, body.data() + sent, body.size() - sent, MSG_NOSIGNAL);
    REQUIRE(n > 0);
    sent += static_cast<size_t>(n);
  }
  ::close(fd);
  // The PATCH ends once serve has taken in what was sent (seconds on a loaded machine), not at the
  // idle timeout of 120 s.
  const auto start = std::chrono::steady_clock::now();
  const std::string ended = "\"PATCH " + location + " HTTP/1.1\" 499";
  double took = 0;
  while (s.log().find(ended) == std::string::npos && took < 30) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  INFO(s.log());
  CHECK_THAT(s.log(), Catch::Contains(ended));
  CHECK(took < 30);
  HttpResult status = Http("GET", s.url() + location);
  CHECK(status.status == 204);
  CHECK(status.Header("range") == "0-" + std::to_string((6 << 20) - 1));  // every byte, not the bytes so far
  // The session is free again: the client carries on where serve stands.
  HttpResult more = Http("PATCH", s.url() + location,
                         {"-H", "Content-Type: application/octet-stream", "-H",
                          "Content-Range: " + std::to_string(6 << 20) + "-" + std::to_string((6 << 20) + 2),
                          "--data-binary", "abc"});
  CHECK(more.status == 202);
  CHECK(more.Header("range") == "0-" + std::to_string((6 << 20) + 2));
}

TEST_CASE("serve: podman pulls an image hoist pushed and pushes it back under another name") {
  if (RunCommand({"sh", "-c", "command -v podman"}).exit_code != 0) {
    WARN("SKIPPED: podman is not installed (Debian package podman)");
    return;
  }
  TempDir tmp;
  ServeProcess s({tmp / "r"});
  Client c;
  c.Import("localhost/app:1", "for podman\n");
  REQUIRE(c.Hoist({"push", "localhost/app:1", "docker://" + s.host() + "/team/app:1"}).exit_code == 0);
  // Its own storage (vfs: no overlay mount needed) and no registries.conf from this machine.
  const std::vector<std::string> podman = {"podman", "--root", tmp / "storage", "--runroot", tmp / "run",
                                           "--storage-driver", "vfs"};
  auto run = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = podman;
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult r = RunCommand(argv);
    INFO(r.out << r.err << s.log());
    REQUIRE(r.exit_code == 0);
  };
  run({"pull", "--tls-verify=false", s.host() + "/team/app:1"});
  run({"tag", s.host() + "/team/app:1", s.host() + "/team/podman:1"});
  run({"push", "--tls-verify=false", s.host() + "/team/podman:1"});
  HttpResult tags = Http("GET", s.url() + "/v2/team/podman/tags/list");
  CHECK(tags.body == R"({"name":"team/podman","tags":["1"]})");
  CommandResult pull = c.Hoist({"pull", s.host() + "/team/podman:1"});
  INFO(pull.err);
  CHECK(pull.exit_code == 0);
}
