#include "registry/http/tls_config.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "support/temp_dir.h"

using namespace hoist;
using namespace hoist::registry;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

namespace {

TlsSettings SettingsWith(const TempDir& dir) {
  TlsSettings s;
  s.cert_dirs = {dir / "containers", dir / "docker"};
  return s;
}

void MakeHostDir(const TempDir& dir, const std::string& root, const std::string& host) {
  std::filesystem::create_directories(dir / (root + "/" + host));
}

}  // namespace

TEST_CASE("IsInsecureRegistry matches the named hosts, case-insensitively, with their ports") {
  TlsSettings s;
  s.insecure_registries = {"localhost:5000", "http://lab.example/"};
  CHECK(IsInsecureRegistry("localhost:5000", s));
  CHECK(IsInsecureRegistry("LAB.example", s));
  CHECK_FALSE(IsInsecureRegistry("localhost:5001", s));
  CHECK_FALSE(IsInsecureRegistry("localhost", s));
  CHECK_FALSE(IsInsecureRegistry("registry.example", s));
  s.tls_verify = false;  // turns verification off, never names a host insecure
  CHECK_FALSE(IsInsecureRegistry("registry.example", s));
}

TEST_CASE("Verification is off for insecure registries and with tls_verify=false") {
  TempDir dir;
  TlsSettings s = SettingsWith(dir);
  s.insecure_registries = {"lab:5000"};
  CHECK_FALSE(TlsForHost("lab:5000", s).value().verify);
  CHECK(TlsForHost("other:5000", s).value().verify);
  s.tls_verify = false;
  CHECK_FALSE(TlsForHost("other:5000", s).value().verify);
}

TEST_CASE("A certs.d directory supplies CAs and a client certificate pair") {
  TempDir dir;
  MakeHostDir(dir, "docker", "reg:5000");
  WriteFile(dir / "docker/reg:5000/b.crt", "CERT-B");
  WriteFile(dir / "docker/reg:5000/a.crt", "CERT-A\n");
  WriteFile(dir / "docker/reg:5000/client.cert", "CLIENT");
  WriteFile(dir / "docker/reg:5000/client.key", "KEY");
  auto tls = TlsForHost("reg:5000", SettingsWith(dir));
  REQUIRE(tls.ok());
  CHECK(tls->verify);
  CHECK(tls->ca_pem == "CERT-A\nCERT-B\n");
  CHECK(tls->client_cert == dir / "docker/reg:5000/client.cert");
  CHECK(tls->client_key == dir / "docker/reg:5000/client.key");
  auto none = TlsForHost("reg", SettingsWith(dir));
  CHECK(none->ca_pem.empty());
  CHECK(none->client_cert.empty());
}

TEST_CASE("The first certificate root holding the host wins") {
  TempDir dir;
  MakeHostDir(dir, "containers", "reg");
  MakeHostDir(dir, "docker", "reg");
  WriteFile(dir / "containers/reg/ca.crt", "FROM-CONTAINERS\n");
  WriteFile(dir / "docker/reg/ca.crt", "FROM-DOCKER\n");
  CHECK(TlsForHost("reg", SettingsWith(dir)).value().ca_pem == "FROM-CONTAINERS\n");
}

TEST_CASE("A client certificate without its key is an error, and a key without its certificate") {
  TempDir dir;
  MakeHostDir(dir, "docker", "reg");
  WriteFile(dir / "docker/reg/client.cert", "CLIENT");
  auto r = TlsForHost("reg", SettingsWith(dir));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("missing key"));

  TempDir dir2;
  MakeHostDir(dir2, "docker", "reg");
  WriteFile(dir2 / "docker/reg/client.key", "KEY");
  auto r2 = TlsForHost("reg", SettingsWith(dir2));
  REQUIRE_FALSE(r2.ok());
  CHECK_THAT(r2.error().message(), Catch::Contains("missing client certificate"));
}

TEST_CASE("An explicit CA file is used alone or joins the certs.d bundle") {
  TempDir dir;
  WriteFile(dir / "extra.pem", "EXTRA\n");
  TlsSettings s = SettingsWith(dir);
  s.ca_file = dir / "extra.pem";
  auto alone = TlsForHost("reg", s);
  CHECK(alone->ca_file == dir / "extra.pem");
  CHECK(alone->ca_pem.empty());

  MakeHostDir(dir, "docker", "reg");
  WriteFile(dir / "docker/reg/ca.crt", "CA\n");
  CHECK(TlsForHost("reg", s).value().ca_pem == "CA\nEXTRA\n");
}

TEST_CASE("Host names cannot lead outside the certificate roots") {
  TempDir dir;
  std::filesystem::create_directories(dir / "docker");
  WriteFile(dir / "evil.crt", "EVIL\n");
  for (const char* host : {"..", ".", "a/../..", ""}) {
    CHECK(TlsForHost(host, SettingsWith(dir)).value().ca_pem.empty());
  }
}

TEST_CASE("A *.domain insecure entry (registries.conf's wildcard) covers subdomains on any port") {
  TlsSettings s;
  s.insecure_registries = {"*.lab.example"};
  CHECK(IsInsecureRegistry("a.lab.example", s));
  CHECK(IsInsecureRegistry("B.a.LAB.example:5000", s));
  CHECK_FALSE(IsInsecureRegistry("lab.example", s));
  CHECK_FALSE(IsInsecureRegistry("xlab.example", s));
  CHECK_FALSE(IsInsecureRegistry("a.lab.example.evil", s));
}

TEST_CASE("Loopback hosts are localhost, 127.0.0.0/8 and ::1, by name only") {
  for (const char* h : {"localhost", "localhost:5000", "LOCALHOST:1", "localhost.", "127.0.0.1", "127.0.0.1:5555",
                        "127.1.2.3:80", "127.255.255.255", "[::1]:5000", "[::1]", "::1"}) {
    INFO(h);
    CHECK(IsLoopbackHost(h));
  }
  for (const char* h : {"localhost.example", "mylocalhost", "128.0.0.1", "127.0.0", "127.0.0.1.5", "127.0.0.256",
                        "127.00.0.1", "0127.0.0.1", "[::2]:5000", "vm:5000", "registry.example", "", "[::1",
                        "localhost:5000:1"}) {
    INFO(h);
    CHECK_FALSE(IsLoopbackHost(h));
  }
}

TEST_CASE("A TLS handshake answered by plain HTTP is recognised and explained") {
  CHECK(TlsErrorMeansPlainHttp("OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number"));
  CHECK(TlsErrorMeansPlainHttp("error:1408F10B:SSL routines:ssl3_get_record:wrong version number"));
  CHECK(TlsErrorMeansPlainHttp("error:1408F119:SSL routines:ssl3_get_record:packet length too long"));
  CHECK_FALSE(TlsErrorMeansPlainHttp("SSL certificate problem: self-signed certificate"));
  std::string m = PlainHttpMessage("vm:5000", "wrong version number");
  CHECK(m.rfind("vm:5000 speaks plain HTTP, not HTTPS (wrong version number): ", 0) == 0);
  CHECK(m.find("--insecure-registry vm:5000") != std::string::npos);
  CHECK(m.find("HOIST_INSECURE_REGISTRIES") != std::string::npos);
}
