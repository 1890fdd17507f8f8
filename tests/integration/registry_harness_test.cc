// The test harness itself: every registry variant starts, answers /v2/ as it should, listens on
// 127.0.0.1 only, survives a restart with its port and data, and is gone after the test.

#include <curl/curl.h>
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/digest.h"
#include "support/registry_fixture.h"

using hoist::testing::Registry;
using hoist::testing::RegistryVariant;

namespace {

struct Request {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::string ca_file;  // empty: the system's trust store
  std::string user, password;
};

struct Response {
  CURLcode code = CURLE_OK;
  std::string error;
  long status = 0;
  std::vector<std::string> headers;
  std::string body;

  std::string Header(std::string name) const {
    auto lower = [](std::string s) {
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
      return s;
    };
    name = lower(name) + ":";
    for (const std::string& h : headers) {
      if (lower(h.substr(0, name.size())) != name) continue;
      std::string v = h.substr(name.size());
      v.erase(0, v.find_first_not_of(" \t"));
      v.erase(v.find_last_not_of(" \t\r\n") + 1);
      return v;
    }
    return "";
  }
};

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t CollectHeader(char* data, size_t size, size_t n, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(data, size * n);
  return size * n;
}

Response Fetch(const Request& req) {
  static const bool init = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  REQUIRE(init);
  Response resp;
  CURL* curl = curl_easy_init();
  REQUIRE(curl != nullptr);
  char error[CURL_ERROR_SIZE] = {};
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/octet-stream");
  curl_easy_setopt(curl, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &resp.headers);
  if (!req.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, req.ca_file.c_str());
  if (!req.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, req.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, req.password.c_str());
  }
  if (req.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (req.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  }
  resp.code = curl_easy_perform(curl);
  resp.error = error[0] ? error : curl_easy_strerror(resp.code);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp.status);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  return resp;
}

Response GetV2(const Registry& r, const std::string& ca_file, const std::string& user = "",
               const std::string& password = "") {
  Request req;
  req.url = r.url() + "/v2/";
  req.ca_file = ca_file;
  req.user = user;
  req.password = password;
  return Fetch(req);
}

// The registry's credentials and CA, ready for a request to `path` or an absolute URL.
Request As(const Registry& r, std::string method, const std::string& path_or_url,
           std::string body = "") {
  Request req;
  req.method = std::move(method);
  req.url = path_or_url.rfind("http", 0) == 0 ? path_or_url : r.url() + path_or_url;
  req.body = std::move(body);
  req.ca_file = r.ca_file();
  req.user = r.user();
  req.password = r.password();
  return req;
}

std::string WithDigest(const std::string& location, const hoist::Digest& digest) {
  return location + (location.find('?') == std::string::npos ? "?" : "&") +
         "digest=" + digest.str();
}

// Monolithic upload: POST, then PUT with the digest.
void PushBlob(const Registry& r, const std::string& repo, const std::string& data) {
  Response start = Fetch(As(r, "POST", "/v2/" + repo + "/blobs/uploads/"));
  REQUIRE(start.code == CURLE_OK);
  REQUIRE(start.status == 202);
  std::string location = start.Header("Location");
  REQUIRE_FALSE(location.empty());
  Response put = Fetch(As(r, "PUT", WithDigest(location, hoist::Digest::Of(data)), data));
  INFO(put.body);
  REQUIRE(put.status == 201);
}

// A process that exists and is not a zombie (a container's init may never reap it).
bool ProcessRunning(pid_t pid) {
  if (::kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t paren = line.rfind(')');
  return paren == std::string::npos || line.substr(paren + 2, 1) != "Z";
}

// Local addresses (hex, as the kernel prints them) of listening sockets on `port`.
std::vector<std::string> ListeningAddresses(const std::string& proc_file, int port) {
  std::vector<std::string> out;
  std::ifstream in(proc_file);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    size_t colon = local.rfind(':');
    if (state != "0A" || colon == std::string::npos) continue;  // 0A: LISTEN
    if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) out.push_back(local.substr(0, colon));
  }
  return out;
}

// Sets an environment variable for one test and restores the old value.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    if (old) old_ = old;
    had_ = old != nullptr;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (had_) {
      ::setenv(name_, old_.c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

}  // namespace

TEST_CASE("plain registry answers /v2/ with 200 over http") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  CHECK(registry->url() == "http://" + registry->host());
  CHECK(registry->host() == "127.0.0.1:" + std::to_string(registry->port()));
  CHECK(registry->ca_file().empty());
  Response resp = GetV2(*registry, "");
  INFO(resp.error);
  REQUIRE(resp.code == CURLE_OK);
  CHECK(resp.status == 200);
  CHECK(resp.Header("Docker-Distribution-API-Version") == "registry/2.0");
}

TEST_CASE("tls registry answers /v2/ with 200 when verified against the harness CA") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kTls);
  CHECK(registry->url() == "https://" + registry->host());
  REQUIRE_FALSE(registry->ca_file().empty());
  Response resp = GetV2(*registry, registry->ca_file());
  INFO(resp.error);
  REQUIRE(resp.code == CURLE_OK);
  CHECK(resp.status == 200);
}

TEST_CASE("tls registry certificate is valid for localhost as well as 127.0.0.1") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kTls);
  Request req;
  req.url = "https://localhost:" + std::to_string(registry->port()) + "/v2/";
  req.ca_file = registry->ca_file();
  Response resp = Fetch(req);
  INFO(resp.error);
  REQUIRE(resp.code == CURLE_OK);
  CHECK(resp.status == 200);
}

TEST_CASE("tls registry is rejected without the harness CA") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kTls);
  Response resp = GetV2(*registry, "");  // the system trust store does not know the test CA
  INFO(resp.error);
  CHECK(resp.code == CURLE_PEER_FAILED_VERIFICATION);
}

TEST_CASE("htpasswd registry answers 401 with a Basic challenge without credentials") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kHtpasswd);
  CHECK(registry->user() == "hoist");
  CHECK_FALSE(registry->password().empty());
  Response resp = GetV2(*registry, "");
  REQUIRE(resp.code == CURLE_OK);
  CHECK(resp.status == 401);
  CHECK(resp.Header("WWW-Authenticate") == "Basic realm=\"hoist-test\"");
}

TEST_CASE("htpasswd registry answers 401 with a wrong password") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kHtpasswd);
  Response resp = GetV2(*registry, "", registry->user(), registry->password() + "x");
  REQUIRE(resp.code == CURLE_OK);
  CHECK(resp.status == 401);
}

TEST_CASE("htpasswd registry answers 200 with the right password") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kHtpasswd);
  Response resp = GetV2(*registry, "", registry->user(), registry->password());
  REQUIRE(resp.code == CURLE_OK);
  CHECK(resp.status == 200);
}

TEST_CASE("tls-htpasswd registry needs both the CA and the password") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kTlsHtpasswd);
  CHECK(GetV2(*registry, "", registry->user(), registry->password()).code ==
        CURLE_PEER_FAILED_VERIFICATION);
  CHECK(GetV2(*registry, registry->ca_file()).status == 401);
  Response ok = GetV2(*registry, registry->ca_file(), registry->user(), registry->password());
  INFO(ok.error);
  CHECK(ok.status == 200);
}

TEST_CASE("registry listens on 127.0.0.1 only") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  std::string config = hoist::testing::ReadFile(registry->dir() + "/config.yml");
  CHECK(config.find("addr: 127.0.0.1:" + std::to_string(registry->port()) + "\n") !=
        std::string::npos);
  std::vector<std::string> v4 = ListeningAddresses("/proc/net/tcp", registry->port());
  CHECK(v4 == std::vector<std::string>{"0100007F"});  // 127.0.0.1, not 0.0.0.0
  CHECK(ListeningAddresses("/proc/net/tcp6", registry->port()).empty());
}

TEST_CASE("registry ignores REGISTRY_ variables in the test's environment") {
  // Each would break or redirect a registry that read them.
  ScopedEnv auth("REGISTRY_AUTH_FILE", "/nonexistent/auth.json");
  ScopedEnv addr("REGISTRY_HTTP_ADDR", "0.0.0.0:1");
  ScopedEnv storage("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "/nonexistent");
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  CHECK(GetV2(*registry, "").status == 200);
  PushBlob(*registry, "harness/env", "stored where the config says");
  CHECK(std::filesystem::is_directory(registry->dir() +
                                      "/data/docker/registry/v2/repositories/harness/env"));
}

TEST_CASE("restart keeps the port and the stored data") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kTlsHtpasswd);
  const std::string data = "a blob that must outlive a restart";
  PushBlob(*registry, "harness/restart", data);
  int port = registry->port();
  pid_t old_pid = registry->pid();

  registry->Restart();

  CHECK(registry->port() == port);
  CHECK(registry->pid() != old_pid);
  CHECK_FALSE(ProcessRunning(old_pid));
  Response blob =
      Fetch(As(*registry, "GET", "/v2/harness/restart/blobs/" + hoist::Digest::Of(data).str()));
  INFO(blob.error);
  CHECK(blob.status == 200);
  CHECK(blob.body == data);
}

TEST_CASE("an open upload survives a restart because http.secret is fixed") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  const std::string first = "first chunk;", second = "second chunk";
  Response start = Fetch(As(*registry, "POST", "/v2/harness/resume/blobs/uploads/"));
  REQUIRE(start.status == 202);
  Response patch = Fetch(As(*registry, "PATCH", start.Header("Location"), first));
  REQUIRE(patch.status == 202);
  std::string location = patch.Header("Location");

  registry->Restart();

  Response status = Fetch(As(*registry, "GET", location));
  INFO(status.body);
  REQUIRE(status.status == 204);
  CHECK(status.Header("Range") == "0-" + std::to_string(first.size() - 1));
  Response put =
      Fetch(As(*registry, "PUT", WithDigest(location, hoist::Digest::Of(first + second)), second));
  INFO(put.body);
  CHECK(put.status == 201);
}

TEST_CASE("a stopped registry leaves no process behind") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  pid_t pid = registry->pid();
  REQUIRE(ProcessRunning(pid));
  registry.reset();
  CHECK_FALSE(ProcessRunning(pid));
}

TEST_CASE("registries started side by side get different ports") {
  HOIST_REQUIRE_REGISTRY_AS(a, RegistryVariant::kPlain);
  HOIST_REQUIRE_REGISTRY_AS(b, RegistryVariant::kHtpasswd);
  CHECK(a->port() != b->port());
  CHECK(GetV2(*a, "").status == 200);
  CHECK(GetV2(*b, "").status == 401);
}
