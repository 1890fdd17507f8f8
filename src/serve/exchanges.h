#pragma once
// The two common shapes of an Exchange: an answer known from the request line alone (a body, if
// any, over kMaxSmallBody is refused), and a body read whole up to a limit (a manifest PUT).

#include <functional>
#include <memory>
#include <string>

#include "serve/api_errors.h"
#include "serve/http.h"
#include "serve/limits.h"

namespace hoist::serve {

class BufferedExchange : public Exchange {
 public:
  using Handler = std::function<Response(std::string body)>;
  // `too_large` answers a body over `limit` (which it names).
  BufferedExchange(size_t limit, Handler handler, std::function<Response()> too_large)
      : limit_(limit), handler_(std::move(handler)), too_large_(std::move(too_large)) {}

  std::optional<Response> Body(const char* data, size_t n) override {
    if (body_.size() + n > limit_) return too_large_();
    body_.append(data, n);
    return std::nullopt;
  }
  std::optional<Response> Announce(uint64_t content_length) override {
    if (content_length > limit_) return too_large_();
    return std::nullopt;
  }
  Response Finish() override { return handler_(std::move(body_)); }

 private:
  size_t limit_;
  Handler handler_;
  std::function<Response()> too_large_;
  std::string body_;
};

inline std::unique_ptr<Exchange> Answer(std::function<Response()> handler) {
  return std::make_unique<BufferedExchange>(
      kMaxSmallBody, [h = std::move(handler)](std::string) { return h(); },
      [] {
        return ApiError(413, "SIZE_INVALID",
                        "this request carries no body, and one of more than " + std::to_string(kMaxSmallBody) +
                            " bytes was sent");
      });
}

// A refusal known from the request line (401): answered before any body is sent when a length is
// announced, so a client pushing a large body without credentials learns why at once.
class RefusalExchange : public Exchange {
 public:
  explicit RefusalExchange(Response r) : response_(std::move(r)) {}
  std::optional<Response> Announce(uint64_t content_length) override {
    if (content_length == 0) return std::nullopt;
    return std::move(response_);
  }
  std::optional<Response> Body(const char*, size_t n) override {
    seen_ += n;
    if (seen_ > kMaxSmallBody) return std::move(response_);
    return std::nullopt;
  }
  Response Finish() override { return std::move(response_); }

 private:
  Response response_;
  size_t seen_ = 0;
};

inline std::unique_ptr<Exchange> Answer(Response r) {
  auto shared = std::make_shared<Response>(std::move(r));
  return Answer([shared]() { return std::move(*shared); });
}

}  // namespace hoist::serve
