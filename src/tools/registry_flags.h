#pragma once
// Flags shared by every command that talks to a registry, and the client built from them.

#include <cxxopts.hpp>
#include <memory>
#include <string>

#include "core/reference.h"
#include "registry/registry_client.h"
#include "tools/command.h"

namespace hoist::tools {

// --insecure-registry HOST (repeatable), --tls-verify=false, --ca-file FILE, --cert-dir DIR, --retries N.
void AddRegistryOptions(cxxopts::Options& options);

// The client options those flags set (TLS, retries, --debug's request log).
Result<registry::ClientOptions> RegistryClientOptions(const CommandContext& ctx);

Result<std::unique_ptr<registry::RegistryClient>> MakeRegistryClient(const CommandContext& ctx);

// "docker://host/repo:tag" (or the same without the prefix) → a normalized reference.
// `default_tag` false keeps a bare repository (for `tags`).
Result<Reference> ParseRegistryReference(const std::string& text, bool default_tag = true);

// "docker://host" or "host" → a validated registry domain.
Result<std::string> ParseRegistryDomain(const std::string& text);

}  // namespace hoist::tools
