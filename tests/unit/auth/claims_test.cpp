// The `mercure` claim and the times, read from JSON.
#include "herald/auth/claims.hpp"

#include <gtest/gtest.h>

#include <string>

namespace herald::auth {
namespace {

Claims parsed(std::string_view json) {
  auto claims = parse_claims(json);
  EXPECT_TRUE(claims) << json << ": " << claims.error().message;
  return claims ? std::move(*claims) : Claims{};
}

ErrorCode refused(std::string_view json) {
  auto claims = parse_claims(json);
  EXPECT_FALSE(claims) << json;
  return claims ? ErrorCode::malformed : claims.error().code;
}

TEST(Claims, PublishAndSubscribeSelectors) {
  const Claims c = parsed(
      R"({"mercure":{"publish":["https://example.com/books/{id}","urn:a"],"subscribe":["*"]}})");
  EXPECT_TRUE(c.has_publish);
  EXPECT_TRUE(c.has_subscribe);
  EXPECT_EQ(c.publish.size(), 2u);
  EXPECT_TRUE(c.publish.matches("https://example.com/books/1"));
  EXPECT_TRUE(c.publish.matches("urn:a"));
  EXPECT_FALSE(c.publish.matches("urn:b"));
  EXPECT_TRUE(c.subscribe.matches("anything at all"));
}

TEST(Claims, AbsentAndEmptyListsDiffer) {
  const Claims none = parsed("{}");
  EXPECT_FALSE(none.has_publish);
  EXPECT_FALSE(none.has_subscribe);
  EXPECT_TRUE(none.publish.empty());
  const Claims empty = parsed(R"({"mercure":{"publish":[]}})");
  EXPECT_TRUE(empty.has_publish);
  EXPECT_FALSE(empty.has_subscribe);
  EXPECT_TRUE(empty.publish.empty());
}

TEST(Claims, PayloadIsKeptAsJsonText) {
  EXPECT_EQ(parsed(R"({"mercure":{"payload":{"user":"u1","n":[1,2.5,null],"ok":true}}})").payload,
            R"({"user":"u1","n":[1,2.5,null],"ok":true})");
  EXPECT_EQ(parsed(R"({"mercure":{"payload":"just a string"}})").payload, R"("just a string")");
  EXPECT_EQ(parsed(R"({"mercure":{"payload": { "spaced" : 1 }}})").payload, R"({"spaced":1})");
  EXPECT_EQ(parsed(R"({"mercure":{}})").payload, "");
}

TEST(Claims, Times) {
  const Claims c = parsed(R"({"exp":1700000600.9,"nbf":1700000000})");
  ASSERT_TRUE(c.expires_at);
  ASSERT_TRUE(c.not_before);
  EXPECT_EQ(c.expires_at->time_since_epoch(), std::chrono::seconds(1700000600));
  EXPECT_EQ(c.not_before->time_since_epoch(), std::chrono::seconds(1700000000));
  EXPECT_FALSE(parsed("{}").expires_at);
}

TEST(Claims, OtherClaimsAreIgnored) {
  const Claims c = parsed(R"({"sub":"u","iss":"x","aud":["h"],"iat":1,"mercure":{"other":1}})");
  EXPECT_FALSE(c.has_publish);
}

TEST(Claims, WrongTypesRefuseTheToken) {
  EXPECT_EQ(refused(R"({"mercure":[]})"), ErrorCode::invalid_claims);
  EXPECT_EQ(refused(R"({"mercure":"publish"})"), ErrorCode::invalid_claims);
  EXPECT_EQ(refused(R"({"mercure":{"publish":"*"}})"), ErrorCode::invalid_claims);
  EXPECT_EQ(refused(R"({"mercure":{"publish":["*",1]}})"), ErrorCode::invalid_claims);
  EXPECT_EQ(refused(R"({"mercure":{"subscribe":[null]}})"), ErrorCode::invalid_claims);
  EXPECT_EQ(refused(R"({"mercure":{"subscribe":[""]}})"), ErrorCode::invalid_claims);
  EXPECT_EQ(refused(R"({"mercure":{"subscribe":["{unclosed"]}})"), ErrorCode::invalid_claims);
  EXPECT_EQ(refused(R"({"exp":"1"})"), ErrorCode::invalid_claims);
  EXPECT_EQ(refused(R"({"nbf":[1]})"), ErrorCode::invalid_claims);
  EXPECT_EQ(refused("[]"), ErrorCode::malformed);
  EXPECT_EQ(refused(""), ErrorCode::malformed);
}

TEST(Claims, Limits) {
  ClaimsLimits limits;
  limits.max_selectors = 2;
  limits.max_payload_bytes = 10;
  EXPECT_TRUE(parse_claims(R"({"mercure":{"publish":["a","b"],"payload":"12345678"}})", limits));
  auto many = parse_claims(R"({"mercure":{"publish":["a","b","c"]}})", limits);
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().code, ErrorCode::too_large);
  auto big = parse_claims(R"({"mercure":{"payload":"123456789"}})", limits);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ErrorCode::too_large);
  // Selector length: Selector::kMaxLength.
  const std::string at_limit(match::Selector::kMaxLength, 'x');
  EXPECT_TRUE(parse_claims(R"({"mercure":{"publish":[")" + at_limit + "\"]}}"));
  EXPECT_FALSE(parse_claims(R"({"mercure":{"publish":[")" + at_limit + "x\"]}}"));
}

}  // namespace
}  // namespace herald::auth
