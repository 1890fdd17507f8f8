#pragma once
// Small helpers shared by the client files (internal; not part of the module's surface).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "registry/client/listing.h"
#include "registry/client/repository.h"
#include "registry/http/http_client.h"

namespace hoist::registry::client_detail {

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string QueryEscape(std::string_view value);
// url + ("?" or "&") + key=escaped(value).
std::string AppendQuery(std::string url, std::string_view key, std::string_view value);

// "scheme://host[:port]" checked (http/https only) and without a trailing slash or a path.
Result<std::string> NormalizeBaseUrl(std::string_view base_url);

// The registry's error for a non-2xx response, with `context` ("get blob sha256:…") on top.
Error HttpError(const Response& resp, std::string context);
// A response with a status the API does not allow here (a 200 where 201 is due…).
Error UnexpectedStatus(const Response& resp, std::string_view expected, std::string context);

// Does the request; a transport error gets `context` on top.
Result<Response> Send(HttpClient& http, Request& req, const std::string& context);

// A Location header resolved against the URL it came from; missing is an error.
Result<std::string> LocationOf(const Response& resp, const std::string& request_url,
                               const std::string& context);

// Compares a Docker-Content-Digest header, when present, with what hoist computed.
Status CheckReportedDigest(const Response& resp, const Digest& ours, const std::string& context);

// Fetches every page of a listing (`field` of the JSON body: "tags", "repositories"), following
// Link rel="next" from `first_url`, and hands each page's entries to `on_page` before the next request.
Status ForEachPage(HttpClient& http, std::string first_url, std::string_view field, const ListOptions& options,
                   const std::string& context, const ListPageFn& on_page);

// Every page's entries in one list: more than kMaxListEntries is a kTooLarge error.
Result<std::vector<std::string>> ListAllPages(HttpClient& http, std::string first_url,
                                              std::string_view field, const ListOptions& options,
                                              const std::string& context);

// Reads exactly `size` bytes of `inner`: fewer is an error, and no byte past `size` is read.
class ExactReader : public Reader {
 public:
  ExactReader(Reader& inner, uint64_t size) : inner_(inner), left_(size) {}
  Result<size_t> Read(char* buf, size_t n) override;
  // Expects `size` bytes again (the inner reader was put back by the caller).
  void Reset(uint64_t size) { left_ = size; }

 private:
  Reader& inner_;
  uint64_t left_;
};

// A Reader over bytes the caller keeps alive; Rewind() makes a request body replayable.
class ViewReader : public Reader {
 public:
  explicit ViewReader(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* buf, size_t n) override;
  void Rewind() { pos_ = 0; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace hoist::registry::client_detail
