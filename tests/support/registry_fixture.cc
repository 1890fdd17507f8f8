#include "support/registry_fixture.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace hoist::testing {
namespace {

const char kScript[] = HOIST_SOURCE_DIR "/scripts/test-registry";

// Single-quotes `s` for /bin/sh.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Undoes the script's quoting: bare words, '…' and backslash escapes.
std::string ShellUnquote(const std::string& s) {
  std::string out;
  bool in_quotes = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_quotes) {
      if (c == '\'') {
        in_quotes = false;
      } else {
        out += c;
      }
    } else if (c == '\'') {
      in_quotes = true;
    } else if (c == '\\' && i + 1 < s.size()) {
      out += s[++i];
    } else {
      out += c;
    }
  }
  return out;
}

std::string ReadIfExists(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  if (f) ss << f.rdbuf();
  return ss.str();
}

}  // namespace

std::string_view VariantName(RegistryVariant variant) {
  switch (variant) {
    case RegistryVariant::kPlain:
      return "plain";
    case RegistryVariant::kTls:
      return "tls";
    case RegistryVariant::kHtpasswd:
      return "htpasswd";
    case RegistryVariant::kTlsHtpasswd:
      return "tls-htpasswd";
    case RegistryVariant::kToken:
      return "token";
    case RegistryVariant::kTlsToken:
      return "tls-token";
  }
  return "plain";
}

std::string Registry::BinaryPath() {
  const char* env = std::getenv("HOIST_REGISTRY_BIN");
  return env && *env ? env : "/usr/bin/docker-registry";
}

bool Registry::BinaryAvailable() { return ::access(BinaryPath().c_str(), X_OK) == 0; }

std::string Registry::MissingMessage() {
  return BinaryPath() +
         " not found: this test needs a real registry (apt-get install docker-registry)";
}

std::unique_ptr<Registry> Registry::Start(Variant variant) {
  return Start(variant, RegistryStartOptions{});
}

std::unique_ptr<Registry> Registry::Start(Variant variant, const RegistryStartOptions& options) {
  const char* external = std::getenv("HOIST_TEST_REGISTRY");
  if (variant == Variant::kPlain && external != nullptr && *external != '\0') {
    std::unique_ptr<Registry> r(new Registry(variant));
    std::string host = external;
    size_t colon = host.rfind(':');
    int port = colon == std::string::npos ? 0 : std::atoi(host.c_str() + colon + 1);
    if (port <= 0 || port > 65535 || host.find('/') != std::string::npos) {
      r->Fail("using HOIST_TEST_REGISTRY", "HOIST_TEST_REGISTRY must be host:port, got '" + host + "'\n");
    }
    r->external_ = true;
    r->host_ = host;
    r->url_ = "http://" + host;
    r->port_ = port;
    return r;
  }
  if (!BinaryAvailable()) return nullptr;
  std::unique_ptr<Registry> r(new Registry(variant));
  // --owner-pid: the script's watchdog stops the registry if this process dies unwinding-free.
  std::string args = "start --dir " + ShellQuote(r->dir()) + " --variant " +
                     std::string(VariantName(variant)) +
                     " --owner-pid " + std::to_string(::getpid());
  if (!options.token_realm.empty()) args += " --token-realm " + ShellQuote(options.token_realm);
  if (!options.token_cert.empty()) args += " --token-cert " + ShellQuote(options.token_cert);
  std::string output;
  if (!r->RunScript(args, output)) r->Fail("starting the test registry", output);
  if (!r->Parse(output)) r->Fail("reading the test registry's address", output);
  return r;
}

void Registry::Restart() {
  if (external_) Fail("restarting the test registry", "HOIST_TEST_REGISTRY names an external registry, which tests cannot restart\n");
  int old_port = port_;
  std::string output;
  if (!RunScript("restart --dir " + ShellQuote(dir()), output)) {
    Fail("restarting the test registry", output);
  }
  if (!Parse(output)) Fail("reading the restarted test registry's address", output);
  if (port_ != old_port) {
    Fail("restarting the test registry: port changed from " + std::to_string(old_port) + " to " +
             std::to_string(port_),
         output);
  }
}

Registry::~Registry() {
  if (external_) return;  // not ours to stop
  // Always ask the script: it knows the PID even when parsing its output failed.
  std::string output;
  if (RunScript("stop --dir " + ShellQuote(dir()), output)) return;
  std::fprintf(stderr, "test registry: stop failed in %s: %s\n", dir().c_str(), output.c_str());
  // The registry must never outlive the test.
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

std::string Registry::Log() const { return ReadIfExists(dir() + "/registry.log"); }

bool Registry::RunScript(const std::string& args, std::string& output) const {
  output.clear();
  std::string command = ShellQuote(kScript) + " " + args + " 2>&1 </dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    output = "popen failed for: " + command;
    return false;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  int status = ::pclose(pipe);
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool Registry::Parse(const std::string& output) {
  std::map<std::string, std::string> kv;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string key = line.substr(0, eq);
    if (key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != std::string::npos) continue;
    kv[key] = ShellUnquote(line.substr(eq + 1));
  }
  for (const char* key : {"PID", "PORT", "URL", "HOST", "CA", "USER", "PASSWORD", "DIR"}) {
    if (kv.count(key) == 0) return false;
  }
  pid_ = static_cast<pid_t>(std::atoi(kv["PID"].c_str()));
  port_ = std::atoi(kv["PORT"].c_str());
  url_ = kv["URL"];
  host_ = kv["HOST"];
  ca_file_ = kv["CA"];
  user_ = kv["USER"];
  password_ = kv["PASSWORD"];
  return pid_ > 0 && port_ > 0;
}

void Registry::Fail(const std::string& what, const std::string& output) const {
  std::string log = Log();
  FAIL(what << " (variant " << VariantName(variant_) << ", dir " << dir() << ") failed.\n"
            << "--- scripts/test-registry output ---\n"
            << output << "--- registry.log ---\n"
            << (log.empty() ? "(empty)\n" : log));
  std::abort();  // FAIL throws; this keeps [[noreturn]] honest
}

}  // namespace hoist::testing
