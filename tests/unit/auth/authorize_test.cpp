// Who may publish (Mercure 0.x rules).
#include "herald/auth/authorize.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace herald::auth {
namespace {

using Topics = std::vector<std::string>;

Claims claims(std::string_view json) {
  auto c = parse_claims(json);
  EXPECT_TRUE(c) << c.error().message;
  return c ? std::move(*c) : Claims{};
}

TEST(CanPublish, EveryTopicMustMatch) {
  const Claims c = claims(R"({"mercure":{"publish":["https://example.com/books/{id}","urn:x"]}})");
  EXPECT_TRUE(can_publish(c, Topics{"https://example.com/books/1"}));
  EXPECT_TRUE(can_publish(c, Topics{"https://example.com/books/1", "urn:x"}));
  EXPECT_FALSE(can_publish(c, Topics{"https://example.com/books/1", "urn:y"}));
  EXPECT_FALSE(can_publish(c, Topics{"urn:y"}));
  EXPECT_FALSE(can_publish(c, Topics{}));
}

TEST(CanPublish, StarAllowsEverything) {
  const Claims c = claims(R"({"mercure":{"publish":["*"]}})");
  EXPECT_TRUE(can_publish(c, Topics{"a", "b", "https://x.example/{weird}"}));
}

TEST(CanPublish, NoOrEmptyClaimAllowsNothing) {
  EXPECT_FALSE(can_publish(claims("{}"), Topics{"a"}));
  EXPECT_FALSE(can_publish(claims(R"({"mercure":{"publish":[]}})"), Topics{"a"}));
  // Subscribe rights do not grant publishing.
  EXPECT_FALSE(can_publish(claims(R"({"mercure":{"subscribe":["*"]}})"), Topics{"a"}));
}

}  // namespace
}  // namespace herald::auth
