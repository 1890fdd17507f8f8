#include "registry/client/link_header.h"

#include <catch2/catch.hpp>

using hoist::registry::NextLink;

TEST_CASE("NextLink finds a relative next link as the Distribution registry sends it") {
  CHECK(NextLink({"</v2/app/tags/list?last=b&n=2>; rel=\"next\""}) ==
        std::optional<std::string>("/v2/app/tags/list?last=b&n=2"));
}

TEST_CASE("NextLink accepts an unquoted rel and other parameters around it") {
  CHECK(NextLink({"<https://r.example/v2/_catalog?n=5&last=x>;type=\"a\";rel=next"}) ==
        std::optional<std::string>("https://r.example/v2/_catalog?n=5&last=x"));
}

TEST_CASE("NextLink picks the next link among several in one header") {
  CHECK(NextLink({"</first>; rel=\"prev\", </second>; rel=\"next\""}) ==
        std::optional<std::string>("/second"));
}

TEST_CASE("NextLink reads rel lists and compares case-insensitively") {
  CHECK(NextLink({"</p>; REL=\"last NEXT\""}) == std::optional<std::string>("/p"));
}

TEST_CASE("NextLink looks through every Link header") {
  CHECK(NextLink({"</a>; rel=\"prev\"", "</b>; rel=\"next\""}) ==
        std::optional<std::string>("/b"));
}

TEST_CASE("NextLink returns nothing without a next link or for malformed input") {
  CHECK_FALSE(NextLink({}));
  CHECK_FALSE(NextLink({"</a>; rel=\"prev\""}));
  CHECK_FALSE(NextLink({"/a; rel=\"next\""}));
  CHECK_FALSE(NextLink({"</a; rel=\"next\""}));
  CHECK_FALSE(NextLink({"</a>; rel=\"next"}));
  CHECK_FALSE(NextLink({"</a>; rel=\"nextpage\""}));
  CHECK_FALSE(NextLink({""}));
}
