#include "container/container_env.h"

namespace hoist::container {

namespace {
constexpr const char* kDefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}  // namespace

std::vector<std::string> ContainerEnv(const std::vector<std::string>& given, const ContainerEnvDefaults& defaults) {
  std::vector<std::string> env;
  auto has = [&](const std::string& key) {
    for (const auto& e : env) {
      if (e.compare(0, key.size() + 1, key + "=") == 0) return true;
    }
    return false;
  };
  for (const auto& e : given) {
    if (e.find('=') != std::string::npos) env.push_back(e);
  }
  if (!has("PATH")) env.emplace_back(kDefaultPath);
  if (defaults.hostname && !has("HOSTNAME")) env.push_back("HOSTNAME=" + *defaults.hostname);
  if (!has("HOME")) env.push_back("HOME=" + defaults.home);
  if (!has("TERM") && defaults.tty) env.emplace_back("TERM=xterm");
  return env;
}

}  // namespace hoist::container
