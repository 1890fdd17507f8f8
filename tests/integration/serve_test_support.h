#pragma once
// `hoist serve` as a child process for a test: started on a port the kernel picks (--listen
// 127.0.0.1:0, the port read from its first output line), stopped with SIGTERM when the test ends.
// Raw HTTP for the requests clients do not make on their own: curl, and a socket for cut requests.
// Clients with a store and docker config of their own, and helpers to look at what was stored.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/fs.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hoist::serve_test {

class ServeProcess {
 public:
  // `args` after "serve"; --listen 127.0.0.1:0 is added unless given. The access log goes to log().
  explicit ServeProcess(std::vector<std::string> args, std::vector<std::string> env = {}) {
    bool has_listen = false;
    for (const auto& a : args) has_listen |= a == "--listen";
    if (!has_listen) {
      args.push_back("--listen");
      args.push_back("127.0.0.1:0");
    }
    log_path_ = dir_ / "serve.log";
    int out[2];
    REQUIRE(::pipe(out) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(log, 2);
      ::close(out[0]);
      for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
      std::vector<std::string> argv = {HOIST_BINARY, "serve"};
      argv.insert(argv.end(), args.begin(), args.end());
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      ::execv(cargv[0], cargv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = ::fdopen(out[0], "r");
    char line[4096];
    if (std::fgets(line, sizeof line, out_)) first_line_ = line;
    size_t colon = first_line_.rfind(':');
    if (colon != std::string::npos) port_ = std::atoi(first_line_.c_str() + colon + 1);
    INFO("hoist serve said: " << first_line_ << "\nlog: " << log());
    REQUIRE(port_ > 0);
  }
  ~ServeProcess() {
    if (pid_ > 0) Stop();
    if (out_) std::fclose(out_);
  }
  // SIGTERM, then the exit status (SIGKILL after 10 s).
  int Stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }
  bool Running() const { return pid_ > 0 && ::kill(pid_, 0) == 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string url() const { return "http://" + host(); }
  std::string log() const { return testing::ReadFile(log_path_); }

 private:
  testing::TempDir dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::string first_line_;
  int port_ = 0;
};

struct HttpResult {
  int status = 0;
  std::string headers;  // lower-cased names
  std::string body;
  std::string curl_error;  // what curl said when the exchange failed
  std::string Header(const std::string& lower_name) const {
    size_t at = headers.find("\n" + lower_name + ":");
    if (at == std::string::npos) return "";
    size_t start = at + lower_name.size() + 2;
    size_t end = headers.find('\n', start);
    std::string v = headers.substr(start, end - start);
    while (!v.empty() && (v.front() == ' ')) v.erase(0, 1);
    while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.pop_back();
    return v;
  }
};

// One request with curl: `extra` are curl arguments (-H, --data-binary @file, -u …).
inline HttpResult Http(const std::string& method, const std::string& url, std::vector<std::string> extra = {}) {
  testing::TempDir tmp;
  std::vector<std::string> argv = {"curl", "-sS", "-k", "-m", "20", "-X", method, "-D", tmp / "h", "-o", tmp / "b"};
  if (method == "HEAD") argv = {"curl", "-sS", "-k", "-m", "20", "-I", "-D", tmp / "h", "-o", tmp / "b"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(url);
  testing::CommandResult r = testing::RunCommand(argv);
  HttpResult out;
  auto read = [](const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 ? testing::ReadFile(path) : std::string();
  };
  std::string h = "\n" + read(tmp / "h");
  // The last response's head (after a 100 Continue).
  size_t last = h.rfind("\nHTTP/");
  if (last != std::string::npos) h = h.substr(last);
  std::string lower;
  bool in_name = true;
  for (char c : h) {
    if (c == '\n') in_name = true;
    if (c == ':') in_name = false;
    lower += in_name ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
  }
  out.headers = lower;
  if (lower.size() > 14) out.status = std::atoi(lower.c_str() + lower.find(' ') + 1);
  out.body = read(tmp / "b");
  out.curl_error = r.err;
  return out;
}

// `content` written to tmp/name, as curl's argument for it ("@path", for --data-binary).
inline std::string BodyFile(const testing::TempDir& tmp, const std::string& name, const std::string& content) {
  testing::WriteFile(tmp / name, content);
  return "@" + (tmp / name);
}

// A connected TCP socket to 127.0.0.1:port.
inline int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

// Sends `raw` on a fresh connection and closes it at once (a client cut mid-request).
inline void SendAndCut(int port, const std::string& raw) {
  int fd = Connect(port);
  size_t sent = 0;
  while (sent < raw.size()) {
    ssize_t n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the server read it all
  ::close(fd);
}

// A hoist client with a store (HOIST_STORE) and docker config of its own, and no registry
// config from this machine.
struct Client {
  testing::TempDir home;
  std::vector<std::string> extra_env;  // added to every command, e.g. COSIGN_PASSWORD=…
  std::vector<std::string> env() const {
    std::vector<std::string> e = {"HOME=" + home.path(), "XDG_CONFIG_HOME=" + home.path() + "/config",
                                  "HOIST_STORE=" + store(), "DOCKER_CONFIG=" + home.path() + "/docker",
                                  "HOIST_INSECURE_REGISTRIES="};
    e.insert(e.end(), extra_env.begin(), extra_env.end());
    return e;
  }
  std::string store() const { return home / "store"; }
  testing::CommandResult Hoist(const std::vector<std::string>& args) const { return testing::RunHoist(args, env()); }
  // Basic credentials for `host` in this client's docker config.
  void Login(const std::string& host, const std::string& user, const std::string& password) const {
    REQUIRE(MakeDirs(home / "docker").ok());
    nlohmann::json config = {{"auths", {{host, {{"auth", EncodeBase64(user + ":" + password)}}}}}};
    testing::WriteFile(home / "docker/config.json", config.dump());
  }
  // A one-file image named `name` in this client's store.
  void Import(const std::string& name, const std::string& content) const {
    testing::WriteFile(home / "f", content);
    REQUIRE(testing::RunCommand({"tar", "-C", home.path(), "-cf", home / "root.tar", "f"}).exit_code == 0);
    testing::CommandResult r = Hoist({"import", home / "root.tar", name});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
};

// The digest index.json of `layout` names `ref_name` with ("" when none).
inline std::string NamedDigest(const std::string& layout, const std::string& ref_name) {
  auto index = nlohmann::json::parse(testing::ReadFile(layout + "/index.json"));
  for (const auto& m : index["manifests"]) {
    if (m.contains("annotations") && m["annotations"].value("org.opencontainers.image.ref.name", "") == ref_name) {
      return m["digest"].get<std::string>();
    }
  }
  return "";
}

// The entries of `dir` not starting with '.' (temp files are hidden); none when it is missing.
inline size_t CountEntries(const std::string& dir) {
  auto names = ListDirNamesIfExists(dir);
  REQUIRE(names.ok());
  size_t n = 0;
  for (const std::string& name : *names) n += name[0] != '.';
  return n;
}

}  // namespace hoist::serve_test
