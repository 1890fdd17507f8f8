#include "tools/build_flags.h"

#include <unistd.h>

#include <cstdlib>
#include <map>

#include "store/import.h"
#include "tools/command.h"

namespace hoist::tools {

Result<std::optional<int64_t>> TimestampFlag(const CommandContext& ctx) {
  if (!ctx.args.count("timestamp")) return store::SourceDateEpoch();
  std::string text = ctx.args["timestamp"].as<std::string>();
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    return UsageError("--timestamp needs seconds since the epoch, got \"" + text + "\"");
  }
  return std::optional<int64_t>(std::stoll(text));
}

namespace {

// "a=b,c=d" → {a: b, c: d}; nullopt when a part has no '=' or a key repeats.
std::optional<std::map<std::string, std::string>> Attributes(const std::string& value) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    std::string part = value.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0 || !out.emplace(part.substr(0, eq), part.substr(eq + 1)).second) {
      return std::nullopt;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

}  // namespace

Result<std::pair<std::string, builder::BuildOptions::Secret>> ParseSecretFlag(const std::string& value) {
  auto bad = [&](const std::string& why) {
    // The value names a file or a variable, never the secret itself: safe to quote.
    return UsageError("--secret " + why + ", got \"" + value + "\"");
  };
  auto attrs = Attributes(value);
  if (!attrs) return bad("takes id=ID,src=FILE or id=ID,env=VAR");
  for (const auto& [k, v] : *attrs) {
    if (k != "id" && k != "src" && k != "source" && k != "env" && k != "type") return bad("does not take " + k);
  }
  const std::string id = (*attrs)["id"];
  if (id.empty()) return bad("needs id=ID");
  std::string src = attrs->count("src") ? (*attrs)["src"] : (*attrs)["source"];
  std::string env = (*attrs)["env"];
  const std::string type = (*attrs)["type"];
  if (!type.empty() && type != "file" && type != "env") return bad("type must be file or env");
  if (type == "env" && env.empty()) {  // buildx: type=env,src=VAR names the variable
    env = src.empty() ? id : src;
    src.clear();
  }
  if (!src.empty() && !env.empty()) return bad("takes src or env, not both");
  builder::BuildOptions::Secret secret;
  if (src.empty() && env.empty()) env = id;  // buildx: a bare id names an environment variable
  if (!src.empty()) {
    if (::access(src.c_str(), R_OK) != 0) return bad("cannot read " + src);
    secret.file = src;
  } else {
    const char* v = std::getenv(env.c_str());
    if (v == nullptr) return bad("names the variable " + env + ", which is not set");
    secret.value = v;
  }
  return std::make_pair(id, std::move(secret));
}

Result<std::pair<std::string, std::string>> ParseSshFlag(const std::string& value) {
  size_t eq = value.find('=');
  std::string id = value.substr(0, eq);
  std::string socket = eq == std::string::npos ? "" : value.substr(eq + 1);
  if (id.empty() || id.find(',') != std::string::npos) return UsageError("--ssh takes ID[=SOCKET], got \"" + value + "\"");
  if (socket.empty()) {
    const char* agent = std::getenv("SSH_AUTH_SOCK");
    if (agent == nullptr || *agent == '\0') {
      return UsageError("--ssh " + id + " needs SSH_AUTH_SOCK (start ssh-agent) or ID=SOCKET");
    }
    socket = agent;
  }
  if (socket.find(',') != std::string::npos) return UsageError("--ssh takes one socket per ID (key files are not supported)");
  return std::make_pair(id, socket);
}

Result<transfer::Location> ParseCacheLocation(const std::string& value, bool to) {
  const std::string flag = to ? "--cache-to" : "--cache-from";
  auto bad = [&](const std::string& why) { return UsageError(flag + " " + why + ", got \"" + value + "\""); };
  std::string location = value;
  if (value.rfind("type=", 0) == 0) {
    auto attrs = Attributes(value);
    if (!attrs) return bad("takes comma-separated KEY=VALUE attributes");
    const std::string type = (*attrs)["type"];
    const std::string dir_key = to ? "dest" : "src";
    for (const auto& [k, v] : *attrs) {
      if (k != "type" && k != "ref" && k != dir_key && k != "mode") {
        return bad("does not know the attribute \"" + k + "\" (hoist takes type, ref, " + dir_key + " and mode)");
      }
    }
    if (attrs->count("mode") && (*attrs)["mode"] != "max" && (*attrs)["mode"] != "min") {
      return bad("mode must be max or min");
    }
    if (type == "registry") {
      if ((*attrs)["ref"].empty()) return bad("type=registry needs ref=REF");
      location = "docker://" + (*attrs)["ref"];
    } else if (type == "local") {
      if ((*attrs)[dir_key].empty()) return bad("type=local needs " + dir_key + "=DIR");
      location = "oci:" + (*attrs)[dir_key] + ":buildcache";
    } else {
      return bad("supports type=registry and type=local (an OCI layout)");
    }
  } else if (value.find("://") == std::string::npos && value.rfind("oci:", 0) != 0 &&
             value.rfind("oci-archive:", 0) != 0 && value.rfind("docker-archive:", 0) != 0) {
    location = "docker://" + value;  // buildx's shorthand: a bare reference is a registry
  }
  auto loc = transfer::ParseLocation(location, {.allow_store = false, .default_tag = true});
  if (!loc.ok()) return bad("needs a registry reference, oci:DIR or oci-archive:FILE (" + loc.error().message() + ")");
  if (loc->kind == transfer::LocationKind::kDockerArchive) return bad("cannot use a docker-archive");
  return loc;
}

}  // namespace hoist::tools
