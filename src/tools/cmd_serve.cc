#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <iostream>

#include "core/fs.h"
#include "serve/access_log.h"
#include "serve/htpasswd.h"
#include "serve/limits.h"
#include "serve/metrics.h"
#include "serve/router.h"
#include "serve/served_layout.h"
#include "serve/server.h"
#include "serve/token_verifier.h"
#include "tools/command.h"
#include "tools/store_flags.h"

namespace hoist::tools {

namespace {

constexpr uint64_t kMaxPemFile = 1024 * 1024;

void AddServeOptions(cxxopts::Options& o) {
  o.add_options()
      ("listen", "Address and port to listen on: ADDR:PORT, [IPV6]:PORT or :PORT (every address)",
       cxxopts::value<std::string>()->default_value("127.0.0.1:5000"), "ADDR:PORT")
      ("prefix", "Serve the layout's repositories under PREFIX/ (clients pull HOST/PREFIX/REPO:TAG)",
       cxxopts::value<std::string>()->default_value(""), "PREFIX")
      ("read-only", "Refuse every write (push, delete) with the spec's DENIED")
      ("tls-cert", "PEM certificate (chain) to serve HTTPS with; needs --tls-key", cxxopts::value<std::string>(), "FILE")
      ("tls-key", "PEM private key of --tls-cert", cxxopts::value<std::string>(), "FILE")
      ("htpasswd", "Require HTTP Basic credentials from this htpasswd file (bcrypt entries: htpasswd -B)",
       cxxopts::value<std::string>(), "FILE")
      ("auth-token-realm", "Token authentication (Distribution's auth.token): the token issuer's URL sent in "
       "the 401 challenge; needs the other --auth-token-* flags", cxxopts::value<std::string>(), "URL")
      ("auth-token-service", "The service name a token's aud must hold", cxxopts::value<std::string>(), "NAME")
      ("auth-token-issuer", "The issuer a token's iss must be", cxxopts::value<std::string>(), "ISS")
      ("auth-token-rootcertbundle", "PEM certificates a token's x5c chain must end in (or its kid name a key of)",
       cxxopts::value<std::string>(), "FILE")
      ("access-log", "Where the access log goes: - (stderr), a file (appended), or none",
       cxxopts::value<std::string>()->default_value("-"), "DEST")
      ("max-connections", "Connections served at once; more are closed at once",
       cxxopts::value<std::string>()->default_value(std::to_string(serve::kDefaultMaxConnections)), "N")
      ("max-uploads", "Upload sessions open at once; one more is answered 429 TOOMANYREQUESTS",
       cxxopts::value<std::string>()->default_value(std::to_string(serve::kDefaultMaxUploadSessions)), "N")
      ("idle-timeout", "Seconds a connection may stay idle before it is closed",
       cxxopts::value<std::string>()->default_value(std::to_string(serve::kIdleTimeoutSeconds)), "SECONDS")
      ("header-timeout", "Seconds a new connection has to send its first request's headers (a client "
       "trickling bytes is cut); after each answer, a kept-alive one has --idle-timeout plus this for the next",
       cxxopts::value<std::string>()->default_value(std::to_string(serve::kHeaderTimeoutSeconds)), "SECONDS")
      ("max-blob-size", "Largest blob accepted, in GiB (a bigger upload is refused with SIZE_INVALID)",
       cxxopts::value<std::string>()->default_value(std::to_string(serve::kDefaultMaxBlobSize >> 30)), "GIB");
}

Result<std::string> ReadPem(const cxxopts::ParseResult& args, const std::string& flag) {
  const std::string path = args[flag].as<std::string>();
  auto text = ReadFileToString(path, kMaxPemFile);
  if (!text.ok()) return std::move(text).error().WithContext("--" + flag);
  return text;
}

Result<int> RunServe(CommandContext& ctx) {
  if (ctx.positional.size() > 1) return UsageError("serve takes at most one DIR (default: the local store)");
  const auto& args = ctx.args;
  serve::LayoutOptions layout_options;
  layout_options.prefix = args["prefix"].as<std::string>();
  while (!layout_options.prefix.empty() && layout_options.prefix.back() == '/') layout_options.prefix.pop_back();
  if (!layout_options.prefix.empty()) HOIST_TRY(serve::ValidateRepositoryName(layout_options.prefix));
  layout_options.read_only = args.count("read-only") > 0;
  HOIST_TRY_ASSIGN(int max_uploads, IntegerFlag(args, "max-uploads"));
  HOIST_TRY_ASSIGN(int max_blob_gib, IntegerFlag(args, "max-blob-size"));
  if (max_blob_gib == 0) return UsageError("--max-blob-size must be at least 1 (GiB)");
  layout_options.max_upload_sessions = static_cast<size_t>(max_uploads);
  layout_options.max_blob_size = static_cast<uint64_t>(max_blob_gib) << 30;

  serve::ServerOptions server_options;
  server_options.listen = args["listen"].as<std::string>();
  HOIST_TRY_ASSIGN(int max_connections, IntegerFlag(args, "max-connections"));
  if (max_connections == 0) return UsageError("--max-connections must be at least 1");
  server_options.max_connections = static_cast<unsigned>(max_connections);
  HOIST_TRY_ASSIGN(int idle_timeout, IntegerFlag(args, "idle-timeout"));
  HOIST_TRY_ASSIGN(int header_timeout, IntegerFlag(args, "header-timeout"));
  if (idle_timeout == 0 || header_timeout == 0) return UsageError("--idle-timeout and --header-timeout must be at least 1");
  server_options.idle_timeout_seconds = static_cast<unsigned>(idle_timeout);
  server_options.header_timeout_seconds = static_cast<unsigned>(header_timeout);
  if (args.count("tls-cert") != args.count("tls-key")) return UsageError("--tls-cert and --tls-key go together");
  if (args.count("tls-cert")) {
    HOIST_TRY_ASSIGN(server_options.tls_cert_pem, ReadPem(args, "tls-cert"));
    HOIST_TRY_ASSIGN(server_options.tls_key_pem, ReadPem(args, "tls-key"));
  }
  std::unique_ptr<serve::Htpasswd> auth;
  if (args.count("htpasswd")) {
    HOIST_TRY_ASSIGN(auth, serve::Htpasswd::Load(args["htpasswd"].as<std::string>()));
  }
  std::unique_ptr<serve::TokenVerifier> token_auth;
  const char* token_flags[] = {"auth-token-realm", "auth-token-service", "auth-token-issuer",
                               "auth-token-rootcertbundle"};
  size_t token_flag_count = 0;
  for (const char* f : token_flags) token_flag_count += args.count(f) > 0;
  if (token_flag_count != 0) {
    if (token_flag_count != 4) {
      return UsageError("token authentication needs all of --auth-token-realm, --auth-token-service, "
                        "--auth-token-issuer and --auth-token-rootcertbundle");
    }
    if (auth) return UsageError("--htpasswd and --auth-token-* are two kinds of authentication: choose one");
    serve::TokenAuthOptions token_options;
    token_options.realm = args["auth-token-realm"].as<std::string>();
    token_options.service = args["auth-token-service"].as<std::string>();
    token_options.issuer = args["auth-token-issuer"].as<std::string>();
    HOIST_TRY_ASSIGN(token_options.root_bundle_pem, ReadPem(args, "auth-token-rootcertbundle"));
    HOIST_TRY_ASSIGN(token_auth, serve::TokenVerifier::Create(std::move(token_options)));
  }
  std::FILE* log_file = stderr;
  const std::string log_dest = args["access-log"].as<std::string>();
  if (log_dest == "none") {
    log_file = nullptr;
  } else if (log_dest != "-") {
    log_file = std::fopen(log_dest.c_str(), "ae");
    if (!log_file) return ErrnoError("open --access-log " + log_dest, errno);
  }

  const std::string dir = ctx.positional.empty() ? StorePath(ctx) : ctx.positional[0];
  auto mode = layout_options.read_only ? store::OciLayout::OpenMode::kExisting : store::OciLayout::OpenMode::kCreate;
  HOIST_TRY_ASSIGN(store::OciLayout layout, store::OciLayout::Open(dir, mode));
  serve::ServedLayout served(std::move(layout), layout_options);
  HOIST_TRY(served.Init());
  serve::Metrics metrics;
  serve::AccessLog log(log_file);
  serve::Router router(served, auth.get(), &metrics, token_auth.get());

  // SIGTERM and SIGINT are waited for here, not delivered to a handler: blocked before the
  // server's threads start, so they inherit the mask.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  HOIST_TRY_ASSIGN(auto server, serve::Server::Start(server_options, router, metrics, log));
  const std::string scheme = server_options.tls_cert_pem.empty() ? "http" : "https";
  std::string host = serve::ParseListen(server_options.listen)->host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  std::cout << "hoist serve: " << dir << " at " << scheme << "://" << (host.empty() ? "0.0.0.0" : host) << ":"
            << server->port() << (layout_options.read_only ? " (read-only)" : "") << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  std::cout << "hoist serve: stopping (" << (sig == SIGTERM ? "SIGTERM" : "SIGINT")
            << "), finishing the requests in flight" << std::endl;
  server->Shutdown(serve::kShutdownGrace);
  if (log_file && log_file != stderr) std::fclose(log_file);
  return kExitOk;
}

}  // namespace

const CommandSpec& ServeCommand() {
  static const CommandSpec spec{
      "serve", {}, "Serve an OCI layout (the store, an air-gap bundle) as a registry", "[DIR]",
      "Serves DIR (default: the local store) over the OCI Distribution API: pull, push, tags and\n"
      "catalog with paging, referrers, cross-repository mounts, resumable chunked uploads. DIR stays a\n"
      "plain OCI image layout (skopeo and umoci read it while it is served) and serve takes the store's\n"
      "locks, so hoist pull, push and prune can run beside it. A DIR that does not exist is created\n"
      "(not with --read-only).\n"
      "\n"
      "Repositories are the names in DIR's index.json: the store's full names (docker.io/library/alpine),\n"
      "a `mirror run --to dir:` bundle's repository paths (library/alpine). A client's name is looked\n"
      "up as written, then normalized (library/alpine finds docker.io/library/alpine). --prefix P serves\n"
      "them as P/REPO. Blobs are shared by every repository, as the store shares them; deleting a blob\n"
      "through the API is refused: delete manifests, then run `hoist prune` on DIR.\n"
      "\n"
      "Uploads are spooled in DIR/.hoist/uploads and renamed into blobs/ only after their digest is\n"
      "checked; an upload cut mid-PATCH keeps every byte that arrived (a GET on its URL reports the\n"
      "Range to resume from), also across a restart of serve. Spool files untouched for 7 days are\n"
      "removed when serve starts.\n"
      "\n"
      "Limits: a manifest 4 MiB; request headers 64 KiB (431 beyond); a body where none belongs\n"
      "64 KiB; connections idle 120 s are closed (--idle-timeout), and a new connection that has not\n"
      "sent its request headers within 30 s (--header-timeout: a client trickling bytes) is cut, as\n"
      "is a kept-alive one that has not sent its next request's headers within --idle-timeout plus\n"
      "--header-timeout of its last answer;\n"
      "--max-connections, --max-uploads, --max-blob-size.\n"
      "SIGTERM or SIGINT stop serve: new connections are refused and requests in flight get 30 s to\n"
      "finish. GET /metrics answers in the Prometheus text format (behind --htpasswd when set). The\n"
      "access log (Common Log Format plus seconds taken) never holds credentials.\n"
      "\n"
      "Token authentication (--auth-token-*, Distribution's auth.token): a request without a valid\n"
      "Bearer token is answered 401 with a challenge naming the realm, service and scope. Tokens are\n"
      "JWTs signed RS256/384/512 or ES256/384/512 by a certificate whose x5c chain ends in the bundle\n"
      "(or whose kid names a bundle key); iss and aud must match, exp and nbf hold with 60 s of\n"
      "leeway; a token over 16 KiB (kMaxBearerToken) or with more than 8 certificates is refused.\n"
      "The access claim grants pull (GET, HEAD), push (with pull: POST, PUT, PATCH), delete, and\n"
      "registry:catalog:* (_catalog), per repository as the client names it.\n"
      "\n"
      "serve is for one machine; for more, run Distribution or Harbor and `hoist mirror import` into it.",
      "  hoist serve /media/bundle --read-only --listen :5000 --tls-cert site.crt --tls-key site.key\n"
      "  hoist serve --listen 127.0.0.1:5000             # the local store\n"
      "  hoist serve /srv/registry --htpasswd /etc/hoist/htpasswd --prefix mirror\n"
      "  hoist serve /srv/registry --auth-token-realm https://auth.example.com/token \\\n"
      "      --auth-token-service registry.example.com --auth-token-issuer auth.example.com \\\n"
      "      --auth-token-rootcertbundle /etc/hoist/token-ca.pem\n"
      "  hoist pull 127.0.0.1:5000/library/alpine:3.19",
      AddServeOptions, RunServe};
  return spec;
}

}  // namespace hoist::tools
