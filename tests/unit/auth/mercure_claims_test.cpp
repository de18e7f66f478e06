// The claims `herald token` signs.
#include "herald/auth/mercure_claims.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "herald/auth/claims.hpp"

namespace herald::auth {
namespace {

TEST(MercureClaims, WritesTheGivenListsOnly) {
  MercureGrant grant;
  grant.publish = std::vector<std::string>{"https://example.com/{id}"};
  auto json = mercure_claims_json(grant);
  ASSERT_TRUE(json) << json.error().message;
  EXPECT_EQ(*json, R"({"mercure":{"publish":["https://example.com/{id}"]}})");
}

TEST(MercureClaims, EverythingAndBackAgain) {
  MercureGrant grant;
  grant.publish = std::vector<std::string>{"*"};
  grant.subscribe = std::vector<std::string>{"urn:a", "urn:b"};
  grant.payload_json = R"({"user": "u1"})";
  grant.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  auto json = mercure_claims_json(grant);
  ASSERT_TRUE(json) << json.error().message;
  const auto doc = nlohmann::json::parse(*json);
  EXPECT_EQ(doc["exp"], 1'800'000'000);
  EXPECT_EQ(doc["mercure"]["subscribe"], nlohmann::json({"urn:a", "urn:b"}));
  auto claims = parse_claims(*json);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->payload, R"({"user":"u1"})");
  EXPECT_TRUE(claims->subscribe.matches("urn:b"));
}

TEST(MercureClaims, RefusesWhatTheHubWouldRefuse) {
  MercureGrant bad_selector;
  bad_selector.subscribe = std::vector<std::string>{"{oops"};
  EXPECT_FALSE(mercure_claims_json(bad_selector));
  MercureGrant not_utf8;
  not_utf8.publish = std::vector<std::string>{"\xff"};
  EXPECT_FALSE(mercure_claims_json(not_utf8));
  MercureGrant bad_payload;
  bad_payload.payload_json = "{not json";
  EXPECT_FALSE(mercure_claims_json(bad_payload));
  MercureGrant too_many;
  too_many.publish = std::vector<std::string>(300, "urn:x");
  EXPECT_FALSE(mercure_claims_json(too_many));
}

}  // namespace
}  // namespace herald::auth
