// Reading a subscribe request under the rules of its Mercure generation
// (lib/server/src/subscribe_request.cpp): the draft's "Subscription" and "Reconciliation"
// MUSTs for 1.0, the 0.x rules as before, and mixing refused.
#include "subscribe_request.hpp"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

Config hub_config() {
  Config c;
  c.resource = "https://hub.example.com/.well-known/mercure";
  return c;
}

SubscribeRequest ok(std::string_view query, const Config& config = hub_config(),
                    std::optional<std::string_view> body = std::nullopt,
                    std::optional<std::string_view> header = std::nullopt) {
  SubscribeInput in{query, body, header.value_or(""), header.has_value()};
  auto r = read_subscribe_request(in, config, config.hub_url());
  if (auto* refusal = std::get_if<SubscribeRefusal>(&r)) {
    ADD_FAILURE() << query << ": refused " << refusal->status << " " << refusal->message;
    return {};
  }
  return std::get<SubscribeRequest>(r);
}

SubscribeRefusal refused(std::string_view query, const Config& config = hub_config(),
                         std::optional<std::string_view> body = std::nullopt) {
  SubscribeInput in{query, body, "", false};
  auto r = read_subscribe_request(in, config, config.hub_url());
  if (auto* refusal = std::get_if<SubscribeRefusal>(&r)) return *refusal;
  ADD_FAILURE() << query << ": accepted";
  return {0, ""};
}

TEST(SubscribeRequest, V1MatchersOfBothTypes) {
  auto r =
      ok("match=https%3A%2F%2Fexample.com%2Ffoo&match=bar&match_urlpattern=https%3A%2F%2Fexample."
         "com%2Fbar%2F%3Aid&match_exact=%2Fbooks%2F%7Bid%7D");
  EXPECT_EQ(r.generation, auth::TokenGeneration::mercure_1);
  ASSERT_EQ(r.matchers.size(), 4u);
  EXPECT_EQ(r.matchers[0].match_type, "exact");
  EXPECT_EQ(r.matchers[2].match_type, "urlpattern");
  EXPECT_TRUE(r.matchers[2].selector.matches("https://example.com/bar/7"));
  EXPECT_FALSE(r.matchers[2].selector.matches("https://example.com/bar/7/x"));
  // Exact is byte for byte: braces are not a template under 1.0.
  EXPECT_EQ(r.matchers[3].selector.kind(), match::Selector::Kind::exact);
  EXPECT_TRUE(r.matchers[3].selector.matches("/books/{id}"));
  EXPECT_FALSE(r.matchers[3].selector.matches("/books/1"));
}

TEST(SubscribeRequest, RelativeUrlPatternsResolveAgainstTheHubUrl) {
  auto r = ok("match_urlpattern=%2Fbooks%2F%3Aid");
  ASSERT_EQ(r.matchers.size(), 1u);
  EXPECT_TRUE(r.matchers[0].selector.matches("/books/1")) << "a relative topic";
  EXPECT_TRUE(r.matchers[0].selector.matches("https://hub.example.com/books/1"));
  EXPECT_FALSE(r.matchers[0].selector.matches("https://other.example.com/books/1"));
}

TEST(SubscribeRequest, TheWildcardWhateverTheType) {
  EXPECT_EQ(ok("match=*").matchers[0].selector.kind(), match::Selector::Kind::any);
  EXPECT_EQ(ok("match_urlpattern=*").matchers[0].selector.kind(), match::Selector::Kind::any);
}

TEST(SubscribeRequest, TheMatchPrefixIsReserved) {
  for (const char* q : {"match_regex=x", "MATCH=x", "Match_exact=x", "matches=x", "match_=x",
                        "match_URLPattern=x", "matchfoo=1&match=a"}) {
    EXPECT_EQ(refused(q).status, 400) << q;
  }
}

TEST(SubscribeRequest, ValueConstraints) {
  EXPECT_EQ(refused("match=").status, 400) << "empty";
  EXPECT_EQ(refused("match=a%00b").status, 400) << "C0";
  EXPECT_EQ(refused("match=a%C2%85b").status, 400) << "C1 (NEL)";
  EXPECT_EQ(refused("match=a%7Fb").status, 400) << "DEL";
  EXPECT_EQ(refused("match=a%E2%80%AEb").status, 400) << "Cf (RLO)";
  EXPECT_EQ(refused("match_urlpattern=a%E2%80%8Bb").status, 400) << "Cf (ZWSP)";
  EXPECT_EQ(refused("match_urlpattern=https%3A%2F%2Fx%2F(").status, 400) << "not a URL pattern";
  EXPECT_EQ(refused("match=%FF").status, 400) << "not UTF-8";
}

TEST(SubscribeRequest, LimitsOnCountAndLength) {
  Config c = hub_config();
  c.max_topics_per_request = 2;
  c.max_selector_bytes = 8;
  EXPECT_EQ(refused("match=a&match=b&match=c", c).status, 400);
  EXPECT_EQ(ok("match=a&match=b", c).matchers.size(), 2u);
  EXPECT_EQ(refused("match=123456789", c).status, 400);
}

TEST(SubscribeRequest, IdenticalMatchersCountOnce) {
  auto r = ok("match=a&match_exact=a&match_urlpattern=a");
  ASSERT_EQ(r.matchers.size(), 2u) << "same type and text: one subscription";
}

TEST(SubscribeRequest, BodyAndQueryAreOneUnion) {
  auto r = ok("match=a&last_event_id=q", hub_config(), "match=b&last_event_id=body");
  ASSERT_EQ(r.matchers.size(), 2u);
  EXPECT_EQ(r.last_event_id, "q") << "the query's last_event_id wins over the body's";
  EXPECT_EQ(ok("", hub_config(), "match=b&last_event_id=body").last_event_id, "body");
  EXPECT_EQ(refused("match=a", hub_config(), "match_bogus=1").status, 400)
      << "the reserved namespace applies to body names too";
}

TEST(SubscribeRequest, TheHeaderWinsOverLastEventIdParameters) {
  auto r = ok("match=a&last_event_id=q", hub_config(), std::nullopt, "h");
  EXPECT_EQ(r.last_event_id, "h");
  EXPECT_TRUE(r.has_last_event_id);
  EXPECT_FALSE(ok("match=a").has_last_event_id);
  EXPECT_TRUE(ok("match=a&last_event_id=earliest").has_last_event_id);
}

TEST(SubscribeRequest, V0AsBefore) {
  auto r = ok("topic=https%3A%2F%2Fexample.com%2F%7Bid%7D&lastEventID=x");
  EXPECT_EQ(r.generation, auth::TokenGeneration::mercure_0x);
  ASSERT_EQ(r.matchers.size(), 1u);
  EXPECT_EQ(r.matchers[0].selector.kind(), match::Selector::Kind::uri_template);
  EXPECT_TRUE(r.matchers[0].match_type.empty());
  EXPECT_EQ(r.last_event_id, "x");
  EXPECT_EQ(ok("topic=a&Last-Event-ID=old").last_event_id, "old");
}

TEST(SubscribeRequest, MixingGenerationsIsRefused) {
  EXPECT_EQ(refused("topic=a&match=b").status, 400);
  EXPECT_EQ(refused("topic=a&last_event_id=x").status, 400);
  EXPECT_EQ(refused("match=a&lastEventID=x").status, 400);
  EXPECT_EQ(refused("topic=a", hub_config(), "match=b").status, 400);
}

TEST(SubscribeRequest, ProtocolRestrictsTheGenerations) {
  Config v1 = hub_config();
  v1.protocol = Config::Protocol::v1;
  EXPECT_NE(refused("topic=a", v1).message.find("1.0 only"), std::string::npos);
  EXPECT_EQ(ok("match=a", v1).matchers.size(), 1u);
  Config v0 = hub_config();
  v0.protocol = Config::Protocol::v0;
  EXPECT_NE(refused("match=a", v0).message.find("0.x only"), std::string::npos);
  EXPECT_EQ(ok("topic=a", v0).matchers.size(), 1u);
}

TEST(SubscribeRequest, NothingToSubscribeTo) {
  EXPECT_NE(refused("").message.find("missing topic"), std::string::npos);
  EXPECT_EQ(refused("last_event_id=x").status, 400);
}

}  // namespace
}  // namespace herald::server
