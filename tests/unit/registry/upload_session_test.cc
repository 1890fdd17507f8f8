#include "registry/client/upload_session.h"

#include <catch2/catch.hpp>

using namespace hoist;
using namespace hoist::registry;

TEST_CASE("An upload session survives encoding and decoding") {
  UploadSession s{"http://127.0.0.1:5000/v2/a/blobs/uploads/u?_state=x%3D", 12345, 5242880};
  Result<UploadSession> back = DecodeUploadSession(EncodeUploadSession(s));
  REQUIRE(back.ok());
  CHECK(*back == s);
}

TEST_CASE("Decoding an upload session refuses missing or mistyped fields") {
  for (std::string_view bad : {"", "[]", "{\"offset\":1}", "{\"location\":\"\",\"offset\":1}",
                               "{\"location\":\"http://x\"}", "{\"location\":\"http://x\",\"offset\":-1}",
                               "{\"location\":\"http://x\",\"offset\":\"1\"}",
                               "{\"location\":\"http://x\",\"offset\":1,\"min_chunk\":1.5}"}) {
    INFO(bad);
    Result<UploadSession> r = DecodeUploadSession(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kParse);
  }
}
