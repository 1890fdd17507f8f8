// hoist login / hoist logout: credentials checked against the registry, then kept as docker keeps them.

#include <iostream>
#include <string>

#include "tools/command.h"
#include "tools/prompt.h"
#include "tools/registry_flags.h"

namespace hoist::tools {

namespace {

constexpr const char* kDefaultRegistry = "docker.io";

void AddLoginOptions(cxxopts::Options& o) {
  o.add_options()
      ("u,username", "User name", cxxopts::value<std::string>(), "USER")
      ("p,password", "Password (visible to other users in the process list: prefer --password-stdin)",
       cxxopts::value<std::string>(), "PASSWORD")
      ("password-stdin", "Read the password from stdin");
  AddRegistryOptions(o);
}

Result<std::string> DomainArg(const CommandContext& ctx, const char* verb) {
  if (ctx.positional.size() > 1) return UsageError(std::string(verb) + " takes at most one SERVER");
  return ParseRegistryDomain(ctx.positional.empty() ? kDefaultRegistry : ctx.positional[0]);
}

Result<int> RunLogin(CommandContext& ctx) {
  HOIST_TRY_ASSIGN(std::string domain, DomainArg(ctx, "login"));
  const bool from_stdin = ctx.args.count("password-stdin") > 0;
  if (from_stdin && ctx.args.count("password")) {
    return UsageError("--password and --password-stdin are mutually exclusive");
  }
  registry::Credential cred;
  if (ctx.args.count("username")) {
    cred.username = ctx.args["username"].as<std::string>();
  } else if (from_stdin) {
    return UsageError("--password-stdin needs --username");
  } else {
    // As docker: no interactive login without a terminal (a prompt would end up in a log or pipe).
    if (!StdinIsTerminal()) {
      return UsageError("cannot ask for a user name: stdin is not a terminal (use --username and --password-stdin)");
    }
    std::cerr << "Username: " << std::flush;
    cred.username = ReadLine(false);
  }
  if (ctx.args.count("password")) {
    std::cerr << "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n";
    cred.password = ctx.args["password"].as<std::string>();
  } else if (from_stdin) {
    std::string all((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    while (!all.empty() && (all.back() == '\n' || all.back() == '\r')) all.pop_back();
    cred.password = std::move(all);
  } else {
    if (!StdinIsTerminal()) {
      return UsageError("cannot ask for the password: stdin is not a terminal (use --password-stdin)");
    }
    std::cerr << "Password: " << std::flush;
    cred.password = ReadLine(true);
  }
  if (cred.username.empty()) return UsageError("a user name is required");
  if (cred.password.empty()) return UsageError("a password is required");

  HOIST_TRY_ASSIGN(auto client, MakeRegistryClient(ctx));
  auto checked = client->CheckLogin(domain, cred);
  if (!checked.ok()) return std::move(checked).error().WithContext("login to " + domain);
  auto stored = client->keychain().Store(domain, cred);
  if (!stored.ok()) return std::move(stored).error().WithContext("saving credentials for " + domain);
  std::cout << "Login Succeeded\n";
  return kExitOk;
}

Result<int> RunLogout(CommandContext& ctx) {
  HOIST_TRY_ASSIGN(std::string domain, DomainArg(ctx, "logout"));
  HOIST_TRY_ASSIGN(auto client, MakeRegistryClient(ctx));
  HOIST_TRY_ASSIGN(bool removed, client->keychain().Erase(domain));
  if (removed) {
    std::cout << "Removing login credentials for " << domain << "\n";
  } else {
    std::cout << "Not logged in to " << domain << "\n";
  }
  return kExitOk;
}

}  // namespace

const CommandSpec& LoginCommand() {
  static const CommandSpec spec{
      "login", {}, "Log in to a registry", "[SERVER]",
      "Checks the user name and password against the registry (SERVER, default docker.io) and saves them\n"
      "the way docker does: through the credential helper named in ~/.docker/config.json (credHelpers or\n"
      "credsStore) when there is one, otherwise in config.json itself (mode 0600, written atomically;\n"
      "$DOCKER_CONFIG moves it). Nothing is saved when the registry rejects the credentials. Without\n"
      "--password-stdin the password is asked for without echo.",
      "  hoist login localhost:5000 -u alice                     # asks for the password\n"
      "  echo \"$TOKEN\" | hoist login ghcr.io -u alice --password-stdin\n"
      "  hoist login --ca-file ca.pem registry.internal:5443 -u ci --password-stdin < pw.txt",
      AddLoginOptions, RunLogin};
  return spec;
}

const CommandSpec& LogoutCommand() {
  static const CommandSpec spec{
      "logout", {}, "Remove a registry's saved credentials", "[SERVER]",
      "Removes the credentials saved for SERVER (default docker.io), through the credential helper\n"
      "when one is configured for it.",
      "  hoist logout localhost:5000", AddRegistryOptions, RunLogout};
  return spec;
}

}  // namespace hoist::tools
