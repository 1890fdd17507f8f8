// Listing pagination against a scripted registry: n and last on the first request, then every
// Link rel="next" (relative or absolute) until there is none.

#include <catch2/catch.hpp>

#include <cstdio>

#include "registry/client/listing.h"
#include "registry/client/registry_api.h"
#include "registry/client/repository.h"

using namespace hoist;
using namespace hoist::registry;

namespace {

// Serves `tags` in pages of n (default 100), with relative Link headers, as OCI registries do.
class PagingServer : public HttpClient {
 public:
  std::vector<std::string> tags = {"a", "b", "c", "d", "e"};
  std::vector<std::string> urls;
  bool absolute_links = false;
  bool loop = false;
  std::string field = "tags";

  Result<Response> Do(Request& req) override {
    urls.push_back(req.url);
    size_t n = 100;
    std::string last;
    size_t q = req.url.find('?');
    if (q != std::string::npos) {
      std::string query = req.url.substr(q + 1);
      for (size_t i = 0; i < query.size();) {
        size_t amp = query.find('&', i);
        std::string kv = query.substr(i, amp == std::string::npos ? std::string::npos : amp - i);
        if (kv.rfind("n=", 0) == 0) n = std::stoul(kv.substr(2));
        if (kv.rfind("last=", 0) == 0) last = kv.substr(5);
        i = amp == std::string::npos ? query.size() : amp + 1;
      }
    }
    size_t start = 0;
    while (start < tags.size() && !last.empty() && tags[start] <= last) ++start;
    nlohmann::json page = nlohmann::json::array();
    size_t end = std::min(tags.size(), start + n);
    for (size_t i = start; i < end; ++i) page.push_back(tags[i]);
    Response resp;
    resp.status = 200;
    resp.method = req.method;
    resp.effective_url = req.url;
    resp.body = nlohmann::json{{"name", "x"}, {field, page}}.dump();
    std::string path = req.url.substr(0, q).substr(std::string("http://127.0.0.1:5000").size());
    if (end < tags.size() || loop) {
      std::string next = path + "?last=" + (loop ? std::string("a") : tags[end - 1]) +
                         "&n=" + std::to_string(n);
      if (absolute_links) next = "http://127.0.0.1:5000" + next;
      resp.headers.Add("Link", "<" + next + ">; rel=\"next\"");
    }
    return resp;
  }
};

Repository Open(std::shared_ptr<PagingServer> server) {
  return Repository::Open(std::move(server), "http://127.0.0.1:5000", "team/app").value();
}

}  // namespace

TEST_CASE("ListTags follows relative next links over every page with n=2 over 5 tags") {
  auto server = std::make_shared<PagingServer>();
  Result<std::vector<std::string>> tags = Open(server).ListTags({.page_size = 2});
  REQUIRE(tags.ok());
  CHECK(*tags == std::vector<std::string>{"a", "b", "c", "d", "e"});
  CHECK(server->urls == std::vector<std::string>{
                            "http://127.0.0.1:5000/v2/team/app/tags/list?n=2",
                            "http://127.0.0.1:5000/v2/team/app/tags/list?last=b&n=2",
                            "http://127.0.0.1:5000/v2/team/app/tags/list?last=d&n=2"});
}

TEST_CASE("ListTags follows absolute next links and starts after last") {
  auto server = std::make_shared<PagingServer>();
  server->absolute_links = true;
  Result<std::vector<std::string>> tags = Open(server).ListTags({.page_size = 1, .last = "c"});
  REQUIRE(tags.ok());
  CHECK(*tags == std::vector<std::string>{"d", "e"});
  CHECK(server->urls.front() == "http://127.0.0.1:5000/v2/team/app/tags/list?n=1&last=c");
}

TEST_CASE("ListTags stops a registry whose pages loop") {
  auto server = std::make_shared<PagingServer>();
  server->loop = true;
  Result<std::vector<std::string>> tags = Open(server).ListTags({.page_size = 100});
  REQUIRE_FALSE(tags.ok());
  CHECK(tags.error().message().find("loop") != std::string::npos);
  CHECK(server->urls.size() == 2);
}

TEST_CASE("ListTags gives up after max_pages") {
  auto server = std::make_shared<PagingServer>();
  Result<std::vector<std::string>> tags = Open(server).ListTags({.page_size = 1, .max_pages = 3});
  REQUIRE_FALSE(tags.ok());
  CHECK(tags.error().code() == ErrorCode::kTooLarge);
}

TEST_CASE("Catalog pages through repositories like tags") {
  auto server = std::make_shared<PagingServer>();
  server->field = "repositories";
  server->tags = {"a/x", "b/y", "c/z"};
  RegistryApi api = RegistryApi::Open(server, "http://127.0.0.1:5000/").value();
  Result<std::vector<std::string>> repos = api.Catalog({.page_size = 2});
  REQUIRE(repos.ok());
  CHECK(*repos == server->tags);
  CHECK(server->urls.size() == 2);
}

TEST_CASE("ForEachTagPage hands out each page before asking for the next") {
  auto server = std::make_shared<PagingServer>();
  std::vector<std::pair<size_t, std::vector<std::string>>> seen;  // requests made when the page came
  Status s = ForEachTagPage(Open(server), {.page_size = 2}, [&](std::vector<std::string> page) -> Status {
    seen.emplace_back(server->urls.size(), std::move(page));
    return Ok();
  });
  REQUIRE(s.ok());
  REQUIRE(seen.size() == 3);
  CHECK(seen[0] == std::make_pair(size_t{1}, std::vector<std::string>{"a", "b"}));
  CHECK(seen[1] == std::make_pair(size_t{2}, std::vector<std::string>{"c", "d"}));
  CHECK(seen[2] == std::make_pair(size_t{3}, std::vector<std::string>{"e"}));
}

TEST_CASE("ForEachTagPage stops at the first error of its callback") {
  auto server = std::make_shared<PagingServer>();
  Status s = ForEachTagPage(Open(server), {.page_size = 2}, [&](std::vector<std::string>) -> Status {
    return Error(ErrorCode::kIO, "output is gone");
  });
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message() == "output is gone");
  CHECK(server->urls.size() == 1);
}

TEST_CASE("ListTags refuses a list longer than kMaxListEntries, naming it") {
  auto server = std::make_shared<PagingServer>();
  server->tags.clear();
  char name[16];
  for (size_t i = 0; i <= kMaxListEntries; ++i) {
    std::snprintf(name, sizeof name, "t%07zu", i);
    server->tags.push_back(name);
  }
  Result<std::vector<std::string>> tags = Open(server).ListTags({.page_size = 100'000});
  REQUIRE_FALSE(tags.ok());
  CHECK(tags.error().code() == ErrorCode::kTooLarge);
  CHECK(tags.error().message().find("kMaxListEntries") != std::string::npos);
  CHECK(tags.error().message().find("more than " + std::to_string(kMaxListEntries) + " entries") !=
        std::string::npos);

  server->tags.pop_back();  // exactly the limit is fine
  Result<std::vector<std::string>> exactly = Open(server).ListTags({.page_size = 100'000});
  REQUIRE(exactly.ok());
  CHECK(exactly->size() == kMaxListEntries);
}

TEST_CASE("ListTags refuses a tag list nested 120,000 deep with a parse error") {
  struct DeepServer : HttpClient {
    Result<Response> Do(Request& req) override {
      Response resp;
      resp.status = 200;
      resp.method = req.method;
      resp.effective_url = req.url;
      resp.body = "{\"name\":\"x\",\"tags\":[" + std::string(120000, '[') + std::string(120000, ']') + "]}";
      return resp;
    }
  };
  auto tags = Repository::Open(std::make_shared<DeepServer>(), "http://127.0.0.1:5000", "team/app")
                  .value()
                  .ListTags({.page_size = 100});
  REQUIRE_FALSE(tags.ok());
  CHECK(tags.error().code() == ErrorCode::kParse);
  CHECK_THAT(tags.error().message(), Catch::Contains("nested deeper than 64 levels"));
}
