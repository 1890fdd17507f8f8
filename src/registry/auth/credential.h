#pragma once
// A registry login. Every field but username is a secret: never log it or put it in a message.

#include <string>

namespace hoist::registry {

struct Credential {
  std::string username;
  std::string password;
  // An OAuth refresh token (docker's "identitytoken"); credential helpers carry it as the
  // secret of the user "<token>".
  std::string identity_token;

  friend bool operator==(const Credential&, const Credential&) = default;
};

}  // namespace hoist::registry
