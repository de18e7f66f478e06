// Who may publish and who may receive private updates (Mercure 0.x rules).
#include "herald/auth/authorize.hpp"

#include <gtest/gtest.h>

#include <random>
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

TEST(CanReceive, PublicUpdatesReachEveryone) {
  const Claims none = claims("{}");
  EXPECT_TRUE(can_receive(nullptr, Topics{"a"}, false));
  EXPECT_TRUE(can_receive(&none, Topics{"a"}, false));
}

TEST(CanReceive, PrivateUpdatesNeedAMatchingSubscribeSelector) {
  const Claims c = claims(R"({"mercure":{"subscribe":["https://example.com/users/{id}/inbox"]}})");
  EXPECT_TRUE(can_receive(&c, Topics{"https://example.com/users/7/inbox"}, true));
  // One matching topic is enough (the update is about all of them).
  EXPECT_TRUE(can_receive(&c, Topics{"urn:other", "https://example.com/users/7/inbox"}, true));
  EXPECT_FALSE(can_receive(&c, Topics{"urn:other"}, true));
  EXPECT_FALSE(can_receive(&c, Topics{}, true));
}

TEST(CanReceive, AnonymousNeverGetsPrivateUpdates) {
  EXPECT_FALSE(can_receive(nullptr, Topics{"a"}, true));
  const Claims empty = claims(R"({"mercure":{"subscribe":[]}})");
  EXPECT_FALSE(can_receive(&empty, Topics{"a"}, true));
  // Publish rights do not grant reading private updates.
  const Claims publisher = claims(R"({"mercure":{"publish":["*"]}})");
  EXPECT_FALSE(can_receive(&publisher, Topics{"a"}, true));
}

TEST(CanReceive, StarReceivesAllPrivateUpdates) {
  const Claims c = claims(R"({"mercure":{"subscribe":["*"]}})");
  EXPECT_TRUE(can_receive(&c, Topics{"anything"}, true));
}

// Property: over random topics, selectors and updates, a private update reaches a
// subscriber only if some subscribe selector matches some topic of the update (checked
// against Selector::matches one by one, an independent spelling of the rule), and a
// public one always does.
TEST(CanReceive, PrivateUpdatesNeverReachAnUnmatchedSubscriber) {
  std::mt19937 rng(20240601);
  const std::vector<std::string> topics = {"https://example.com/books/1",
                                           "https://example.com/books/2",
                                           "https://example.com/users/1",
                                           "urn:a",
                                           "urn:b",
                                           "/relative/1",
                                           "https://example.com/books/1/reviews"};
  const std::vector<std::string> selectors = {"https://example.com/books/{id}",
                                              "https://example.com/{+path}",
                                              "urn:a",
                                              "urn:{x}",
                                              "/relative/{n}",
                                              "https://example.com/users/1",
                                              "https://other.example/{x}",
                                              "*"};
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  int private_delivered = 0, private_withheld = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string json = R"({"mercure":{"subscribe":[)";
    std::vector<match::Selector> chosen;
    const std::size_t count = pick(4);  // 0..3 selectors, "*" now and then
    for (std::size_t i = 0; i < count; ++i) {
      const std::string& s = selectors[pick(selectors.size() - (round % 5 == 0 ? 0 : 1))];
      json += (i ? ",\"" : "\"") + s + "\"";
      chosen.push_back(*match::Selector::parse(s, nullptr));
    }
    json += "]}}";
    const Claims c = claims(json);
    Topics update;
    const std::size_t n_topics = 1 + pick(3);
    for (std::size_t i = 0; i < n_topics; ++i)
      update.push_back(topics[pick(topics.size())]);

    bool some_selector_matches = false;
    for (const auto& s : chosen) {
      for (const auto& t : update)
        some_selector_matches |= s.matches(t);
    }
    const bool anonymous = pick(6) == 0;
    const bool got = can_receive(anonymous ? nullptr : &c, update, true);
    if (got) {
      ASSERT_FALSE(anonymous) << "anonymous subscriber got a private update";
      ASSERT_TRUE(some_selector_matches) << json << " received a private update on " << update[0];
      ++private_delivered;
    } else {
      ASSERT_TRUE(anonymous || !some_selector_matches) << json << " missed " << update[0];
      ++private_withheld;
    }
    ASSERT_TRUE(can_receive(anonymous ? nullptr : &c, update, false));
  }
  // Both branches were exercised, so the property says something.
  EXPECT_GT(private_delivered, 300);
  EXPECT_GT(private_withheld, 300);
}

}  // namespace
}  // namespace herald::auth
