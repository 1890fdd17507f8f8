#include "core/attachment_tags.h"

#include <catch2/catch.hpp>

using namespace hoist;

namespace {
const std::string kHex(64, 'a');
}

TEST_CASE("cosign and referrers tags are attachment tags, image tags are not") {
  CHECK(IsAttachmentTag("sha256-" + kHex + ".sig"));
  CHECK(IsAttachmentTag("sha256-" + kHex + ".att"));
  CHECK(IsAttachmentTag("sha256-" + kHex + ".sbom"));
  CHECK(IsAttachmentTag("sha256-" + kHex));  // the referrers tag schema
  CHECK(IsAttachmentTag("sha512-" + std::string(128, '0') + ".sig"));
  CHECK_FALSE(IsAttachmentTag("sha256-" + kHex + ".txt"));
  CHECK_FALSE(IsAttachmentTag("sha256-" + std::string(63, 'a') + ".sig"));
  CHECK_FALSE(IsAttachmentTag("sha256-" + std::string(64, 'A') + ".sig"));
  CHECK_FALSE(IsAttachmentTag("sha1-" + kHex + ".sig"));
  CHECK_FALSE(IsAttachmentTag("latest"));
  CHECK_FALSE(IsAttachmentTag(""));
}

TEST_CASE("a ref.name names an attachment by its tag with or without a repository") {
  const Digest d = Digest::Of("x");
  for (const auto& tag : CosignTags(d)) {
    CHECK(IsAttachedRefName(tag));
    CHECK(IsAttachedRefName("docker.io/library/app:" + tag));
    CHECK(IsAttachedRefName("localhost:5000/team/app:" + tag));
  }
  CHECK(CosignTags(d).front() == "sha256-" + d.hex() + ".sig");
  CHECK_FALSE(IsAttachedRefName("docker.io/library/app:1"));
  CHECK_FALSE(IsAttachedRefName("localhost:5000/sha256-" + kHex));  // a repository, not a tag
  CHECK_FALSE(IsAttachedRefName("v1"));
  CHECK_FALSE(IsAttachedRefName(""));
}
