// access_claims_json: what `herald token --v1` signs reads back, through the hub's own
// parser, as exactly the grant it was given; a grant a hub would refuse is never minted.
#include "herald/auth/access_token_claims.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace herald::auth {
namespace {

constexpr const char* kHub = "https://hub.example.com/.well-known/mercure";

AccessGrant grant() {
  AccessGrant g;
  g.issuer = "https://auth.example.com";
  g.audience = kHub;
  g.subject = "alice";
  g.client_id = "herald-token";
  g.token_id = "urn:uuid:00000000-0000-4000-8000-000000000001";
  g.issued_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  g.expires_at = g.issued_at + std::chrono::hours(1);
  g.publish = {{MatcherType::exact, "https://example.com/books/1"}};
  g.subscribe = {{MatcherType::urlpattern, "https://example.com/users/:id"},
                 {MatcherType::exact, "*"}};
  g.payload_json = R"({"name":"alice"})";
  return g;
}

TEST(AccessTokenClaims, ReadBackThroughTheHubsParserAsTheSameGrant) {
  auto text = access_claims_json(grant(), kHub);
  ASSERT_TRUE(text) << text.error().message;
  auto claims = parse_access_claims(*text, {}, kHub);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->issuer, "https://auth.example.com");
  EXPECT_EQ(claims->audiences, (std::vector<std::string>{kHub}));
  EXPECT_EQ(claims->subject, "alice");
  EXPECT_EQ(claims->client_id, "herald-token");
  EXPECT_EQ(claims->token_id, "urn:uuid:00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(claims->issued_at, grant().issued_at);
  EXPECT_EQ(claims->expires_at, grant().expires_at);
  EXPECT_EQ(claims->grants.publish, grant().publish);
  EXPECT_EQ(claims->grants.subscribe, grant().subscribe);
  ASSERT_EQ(claims->grants.subscribe_details.size(), 1u);
  EXPECT_EQ(claims->grants.subscribe_details[0].payload, R"({"name":"alice"})");
}

TEST(AccessTokenClaims, OneDetailPerActionOfTheMercureType) {
  AccessGrant g = grant();
  g.subscribe.clear();
  g.payload_json.clear();
  auto text = access_claims_json(g, kHub);
  ASSERT_TRUE(text) << text.error().message;
  const auto details = nlohmann::json::parse(*text).at("authorization_details");
  ASSERT_EQ(details.size(), 1u);
  EXPECT_EQ(details[0].at("type"), "https://mercure.rocks/authorization-detail");
  EXPECT_EQ(details[0].at("actions"), nlohmann::json::array({"publish"}));
  EXPECT_EQ(details[0].at("topics")[0].at("match_type"), "exact");
}

TEST(AccessTokenClaims, RefusesWhatAHubWouldRefuse) {
  AccessGrant bad_pattern = grant();
  bad_pattern.subscribe = {{MatcherType::urlpattern, "https://example.com/(unclosed"}};
  EXPECT_FALSE(access_claims_json(bad_pattern, kHub));

  AccessGrant control = grant();
  control.publish = {{MatcherType::exact, "https://example.com/a\x01"}};
  EXPECT_FALSE(access_claims_json(control, kHub)) << "a C0 control in a matcher";

  AccessGrant not_utf8 = grant();
  not_utf8.publish = {{MatcherType::exact, "https://example.com/\xff"}};
  EXPECT_FALSE(access_claims_json(not_utf8, kHub));

  AccessGrant array_payload = grant();
  array_payload.payload_json = "[1]";
  EXPECT_FALSE(access_claims_json(array_payload, kHub)) << "a payload is an object";

  AccessGrant payload_alone = grant();
  payload_alone.subscribe.clear();
  EXPECT_FALSE(access_claims_json(payload_alone, kHub)) << "a payload needs subscribe";
}

}  // namespace
}  // namespace herald::auth
