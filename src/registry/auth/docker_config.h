#pragma once
// One credentials file in docker's layout: ~/.docker/config.json, or containers' auth.json, which
// uses the same "auths" / "credHelpers" / "credsStore" fields.
//   {"auths": {"HOST": {"auth": base64("user:pass"), "identitytoken": "…"}},
//    "credHelpers": {"HOST": "NAME"}, "credsStore": "NAME", …every other field, kept as is…}

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "registry/auth/credential.h"

namespace hoist::registry {

// The registry host a key of "auths" names: scheme and path dropped, lowercased, Docker Hub's
// aliases folded: "https://index.docker.io/v1/" → "docker.io", "http://h:5000/v2/" → "h:5000".
std::string NormalizeRegistryHost(std::string_view key);

// The server address docker uses for a host in config.json and with helpers:
// "https://index.docker.io/v1/" for Docker Hub, the host itself otherwise.
std::string DockerServerAddress(std::string_view host);

class AuthFile {
 public:
  // A missing file reads as an empty one (exists() is false). Unreadable files are kIO errors;
  // files that are not JSON or have fields of the wrong shape are kParse errors naming the file.
  static Result<AuthFile> Load(const std::string& path);

  const std::string& path() const { return path_; }
  bool exists() const { return exists_; }

  // The helper for host: its credHelpers entry, else credsStore, else "".
  std::string HelperFor(std::string_view host) const;

  // The decoded "auths" entry for host; nullopt when there is none or it holds no credential.
  // A broken entry (bad base64, wrong types) is a kParse error naming the file and the host.
  Result<std::optional<Credential>> Lookup(std::string_view host) const;

  // In-memory edits; Save() writes them.
  // Sets host's entry, keeping its other fields (and the spelling of its key, if one exists).
  void Put(std::string_view host, const Credential& credential);
  // Strips the secret fields from every entry for host (a helper holds them now). True if any.
  bool ClearSecrets(std::string_view host);
  // Removes every entry for host. True if there was one.
  bool Remove(std::string_view host);

  // Writes atomically with mode 0600 (a missing directory is created 0700), every field it does
  // not manage kept as it was.
  Status Save() const;

 private:
  using json = nlohmann::ordered_json;
  // Keys of `section` ("auths", "credHelpers") that name host, exact spellings first.
  std::vector<std::string> MatchingKeys(const char* section, std::string_view host) const;

  std::string path_;
  bool exists_ = false;
  json doc_ = json::object();
};

}  // namespace hoist::registry
