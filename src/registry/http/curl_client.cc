#include "registry/http/curl_client.h"

#include <curl/curl.h>

#include <array>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "core/version.h"
#include "registry/http/curl_transfer.h"
#include "registry/http/sanitize.h"
#include "registry/http/url.h"

namespace hoist::registry {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

struct CurlClient::Impl {
  HttpClientOptions options;
  std::string user_agent;
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;

  std::mutex pool_mu;
  std::vector<CURL*> idle;

  std::mutex tls_mu;
  std::map<std::string, TlsOptions> tls_cache;

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* userp) {
    static_cast<Impl*>(userp)->share_locks[static_cast<size_t>(data)].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* userp) {
    static_cast<Impl*>(userp)->share_locks[static_cast<size_t>(data)].unlock();
  }

  void Log(std::string_view line) const {
    if (options.debug_log) options.debug_log(line);
  }

  Result<CURL*> Acquire() {
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        curl_easy_reset(h);  // keeps the handle's live connections
        return h;
      }
    }
    CURL* h = curl_easy_init();
    if (h == nullptr) return Internal("libcurl could not create a transfer handle");
    return h;
  }

  void Release(CURL* h) {
    std::lock_guard<std::mutex> lock(pool_mu);
    if (idle.size() < options.max_idle_handles) {
      idle.push_back(h);
    } else {
      curl_easy_cleanup(h);
    }
  }

  Result<TlsOptions> TlsFor(const UrlOrigin& origin) {
    std::string key = origin.HostPort();
    std::lock_guard<std::mutex> lock(tls_mu);
    auto it = tls_cache.find(key);
    if (it != tls_cache.end()) return it->second;
    HOIST_TRY_ASSIGN(TlsOptions tls, TlsForHost(key, options.tls));
    tls_cache.emplace(key, tls);
    return tls;
  }

  Result<Response> PerformHop(Request& req, const UrlOrigin& origin) {
    HOIST_TRY_ASSIGN(TlsOptions tls, TlsFor(origin));
    if (options.debug_log) {
      std::string line = "> " + req.method + " " + SanitizeUrl(req.url);
      if (!req.headers.empty()) {
        line += " [headers:";  // names only: values may be credentials
        for (const auto& h : req.headers) line += " " + Printable(h.first, 40);
        line += "]";
      }
      Log(line);
    }
    HOIST_TRY_ASSIGN(CURL * h, Acquire());
    detail::TransferConfig cfg{&options, &tls, share, user_agent};
    Result<Response> r = detail::PerformOnce(h, req, cfg);
    Release(h);
    if (options.debug_log) {
      if (r.ok()) {
        Log("< " + std::to_string(r->status) + " " + req.method + " " + SanitizeUrl(req.url));
      } else {
        Log("! " + r.error().ToString());
      }
    }
    return r;
  }
};

CurlClient::CurlClient(HttpClientOptions options) : impl_(std::make_unique<Impl>()) {
  GlobalInit();
  impl_->options = std::move(options);
  impl_->user_agent = impl_->options.user_agent.empty() ? std::string("hoist/") + kVersion
                                                        : impl_->options.user_agent;
  // Connections are not shared: libcurl's shared connection cache is not safe across threads
  // (curl issue #4915). Each pooled handle keeps its own live connections instead.
  impl_->share = curl_share_init();
  if (impl_->share != nullptr) {
    curl_share_setopt(impl_->share, CURLSHOPT_LOCKFUNC, &Impl::Lock);
    curl_share_setopt(impl_->share, CURLSHOPT_UNLOCKFUNC, &Impl::Unlock);
    curl_share_setopt(impl_->share, CURLSHOPT_USERDATA, impl_.get());
    curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
}

CurlClient::~CurlClient() {
  for (CURL* h : impl_->idle) curl_easy_cleanup(h);
  impl_->idle.clear();
  if (impl_->share != nullptr) curl_share_cleanup(impl_->share);
}

Result<Response> CurlClient::Do(Request& req) {
  HOIST_TRY_ASSIGN(UrlOrigin origin, ParseOrigin(req.url));
  Result<Response> r = impl_->PerformHop(req, origin);
  bool follow =
      req.follow_redirects && req.body == nullptr && (req.method == "GET" || req.method == "HEAD");
  if (!follow) return r;

  // Our own redirect loop: credentials stay with the origin they were meant for.
  std::optional<Request> hop;
  const UrlOrigin first = origin;
  for (int hops = 0;; ++hops) {
    if (!r.ok() || !IsRedirect(r->status)) return r;
    std::optional<std::string> location = r->Header("Location");
    if (!location) return r;
    const std::string& from = hop ? hop->url : req.url;
    if (hops >= impl_->options.max_redirects) {
      return Error(ErrorCode::kUnsupported, req.method + " " + SanitizeUrl(req.url) +
                                                ": stopped after " + std::to_string(hops) +
                                                " redirects (last to " + SanitizeUrl(*location) +
                                                ")");
    }
    HOIST_TRY_ASSIGN(std::string target, ResolveUrl(from, *location));
    HOIST_TRY_ASSIGN(UrlOrigin next, ParseOrigin(target));
    if (!hop) hop = req;
    if (!(next == first) && hop->Header("Authorization")) {
      hop->RemoveHeader("Authorization");
      impl_->Log("redirect to another host: Authorization dropped");
    }
    impl_->Log("redirect " + std::to_string(r->status) + " to " + SanitizeUrl(target));
    hop->url = std::move(target);
    r = impl_->PerformHop(*hop, next);
  }
}

}  // namespace hoist::registry
