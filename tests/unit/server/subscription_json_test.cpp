#include "subscription_json.hpp"

#include <gtest/gtest.h>

#include "herald/match/selector.hpp"

namespace herald::server {
namespace {

TEST(SubscriptionJson, EscapesEverythingButUnreservedOnce) {
  EXPECT_EQ(escape_segment("https://example.com/books/{id}"),
            "https%3A%2F%2Fexample.com%2Fbooks%2F%7Bid%7D");
  EXPECT_EQ(escape_segment("urn:uuid:1-2"), "urn%3Auuid%3A1-2");
  EXPECT_EQ(escape_segment("a b+c%20~_."), "a%20b%2Bc%2520~_.");
  EXPECT_EQ(escape_segment("é"), "%C3%A9");
}

TEST(SubscriptionJson, IdsMatchTheUsualSubscriptionSelector) {
  std::string id = subscription_id("https://example.com/a b", "urn:uuid:42");
  EXPECT_EQ(id,
            "/.well-known/mercure/subscriptions/https%3A%2F%2Fexample.com%2Fa%20b/urn%3Auuid%3A42");
  // The selector Mercure documents for subscription events matches every id, and so does a
  // template pinned to one topic.
  auto all =
      match::Selector::parse("/.well-known/mercure/subscriptions{/topic}{/subscriber}", nullptr);
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->matches(id));
  EXPECT_TRUE(all->matches("/.well-known/mercure/subscriptions"));
  auto one = match::Selector::parse(
      "/.well-known/mercure/subscriptions/https%3A%2F%2Fexample.com%2Fa%20b{/subscriber}", nullptr);
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->matches(id));
  EXPECT_FALSE(one->matches(subscription_id("https://example.com/b", "urn:uuid:42")));
}

TEST(SubscriptionJson, OneSubscription) {
  SubscriptionView s{"https://example.com/{id}", "urn:uuid:7", true, nlohmann::json{{"user", "u"}}};
  nlohmann::json j = subscription_json(s, true);
  EXPECT_EQ(j["@context"], "https://mercure.rocks/");
  EXPECT_EQ(j["id"], subscription_id(s.topic, s.subscriber));
  EXPECT_EQ(j["type"], "Subscription");
  EXPECT_EQ(j["topic"], "https://example.com/{id}");
  EXPECT_EQ(j["subscriber"], "urn:uuid:7");
  EXPECT_EQ(j["active"], true);
  EXPECT_EQ(j["payload"], (nlohmann::json{{"user", "u"}}));

  s.active = false;
  s.payload = nullptr;
  j = subscription_json(s, false);
  EXPECT_FALSE(j.contains("@context"));
  EXPECT_FALSE(j.contains("payload")) << "no payload claim, no payload property";
  EXPECT_EQ(j["active"], false);
}

TEST(SubscriptionJson, Collection) {
  std::vector<SubscriptionView> list{{"a", "s1", true, nullptr}, {"b", "s2", true, 3}};
  nlohmann::json j = subscriptions_json("/.well-known/mercure/subscriptions", "earliest", list);
  EXPECT_EQ(j["@context"], "https://mercure.rocks/");
  EXPECT_EQ(j["id"], "/.well-known/mercure/subscriptions");
  EXPECT_EQ(j["type"], "Subscriptions");
  EXPECT_EQ(j["lastEventID"], "earliest");
  ASSERT_EQ(j["subscriptions"].size(), 2u);
  EXPECT_FALSE(j["subscriptions"][0].contains("@context")) << "defined by the parent";
  EXPECT_EQ(j["subscriptions"][1]["payload"], 3);
}

}  // namespace
}  // namespace herald::server
