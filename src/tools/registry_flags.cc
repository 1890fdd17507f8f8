#include "tools/registry_flags.h"

#include <spdlog/spdlog.h>

#include "registry/config/insecure_registries.h"

namespace hoist::tools {

namespace {
constexpr std::string_view kDockerPrefix = "docker://";

std::string StripDockerPrefix(const std::string& text) {
  if (text.rfind(kDockerPrefix, 0) == 0) return text.substr(kDockerPrefix.size());
  return text;
}
}  // namespace

void AddRegistryOptions(cxxopts::Options& options) {
  options.add_options("Registry")
      ("insecure-registry", "Allow plain HTTP and unverified TLS for this registry (repeatable; also read "
                            "from $HOIST_INSECURE_REGISTRIES (comma-separated), \"insecure-registries\" in "
                            "${XDG_CONFIG_HOME:-~/.config}/hoist/config.json, and insecure = true in "
                            "containers' registries.conf). localhost, 127.0.0.0/8 and ::1 need no flag: "
                            "they use plain HTTP when their port does not speak TLS",
       cxxopts::value<std::vector<std::string>>(), "HOST[:PORT]")
      ("tls-verify", "Verify TLS certificates (--tls-verify=false turns it off for every registry)",
       cxxopts::value<bool>()->default_value("true")->implicit_value("true"), "BOOL")
      ("ca-file", "Trust the CA certificates in this PEM file", cxxopts::value<std::string>(), "FILE")
      ("cert-dir", "Look for HOST[:PORT]/*.crt, client.cert, client.key here instead of "
                   "/etc/docker/certs.d and /etc/containers/certs.d",
       cxxopts::value<std::string>(), "DIR")
      ("retries", "Tries per request on network errors, 429 and 5xx", cxxopts::value<std::string>()->default_value("5"),
       "N");
}

Result<registry::ClientOptions> RegistryClientOptions(const CommandContext& ctx) {
  registry::ClientOptions o;
  const auto& a = ctx.args;
  if (a.count("insecure-registry")) {
    o.http.tls.insecure_registries = a["insecure-registry"].as<std::vector<std::string>>();
  }
  auto configured = registry::LoadInsecureRegistries(registry::InsecureSources::FromEnvironment());
  if (!configured.ok()) return std::move(configured).error().WithContext("reading the insecure registries");
  for (auto& host : *configured) o.http.tls.insecure_registries.push_back(std::move(host));
  o.http.tls.tls_verify = a["tls-verify"].as<bool>();
  if (a.count("ca-file")) o.http.tls.ca_file = a["ca-file"].as<std::string>();
  if (a.count("cert-dir")) o.http.tls.cert_dirs = {a["cert-dir"].as<std::string>()};
  HOIST_TRY_ASSIGN(int retries, IntegerFlag(a, "retries"));
  o.retry.max_tries = std::max(1, retries);
  if (ctx.global.debug || ctx.global.verbosity >= 2) {
    // The registry layers promise never to pass a secret to this hook.
    o.debug_log = [](std::string_view line) { spdlog::debug("{}", line); };
  }
  return o;
}

Result<std::unique_ptr<registry::RegistryClient>> MakeRegistryClient(const CommandContext& ctx) {
  HOIST_TRY_ASSIGN(registry::ClientOptions o, RegistryClientOptions(ctx));
  return std::make_unique<registry::RegistryClient>(std::move(o));
}

Result<Reference> ParseRegistryReference(const std::string& text, bool default_tag) {
  if (text.find("://") != std::string::npos && text.rfind(kDockerPrefix, 0) != 0) {
    return UsageError("\"" + text + "\" is not a docker:// location");
  }
  auto ref = Reference::Parse(StripDockerPrefix(text), ReferenceParseOptions{default_tag});
  if (!ref.ok()) return UsageError(ref.error().message());
  return ref;
}

Result<std::string> ParseRegistryDomain(const std::string& text) {
  std::string domain = StripDockerPrefix(text);
  while (!domain.empty() && domain.back() == '/') domain.pop_back();
  auto st = Reference::ValidateDomain(domain);
  if (!st.ok()) return UsageError(st.error().message());
  return domain;
}

}  // namespace hoist::tools
