#include "subscription_registry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "hub_fixture.hpp"

namespace herald::server {
namespace {

using test::HistoryReader;
using test::ManualShard;

struct RegistryTest : ::testing::Test {
  ManualShard shard;
  hub::Hub hub{std::make_unique<store::MemoryHistory>(store::HistoryLimits{100000, 64 << 20}),
               {shard.post()}};
  SubscriptionRegistry registry{hub, nullptr};

  // Everything in history after `last_event_id` ("earliest": all of it).
  std::vector<hub::UpdatePtr> history_after(const std::string& last_event_id) {
    HistoryReader reader;
    hub.subscribe(0, reader, last_event_id);
    shard.run();  // the replay is handed over on the shard
    hub.unsubscribe(0, reader);
    return reader.replayed;
  }
};

TEST_F(RegistryTest, AddPublishesOnePrivateActiveEventPerSubscription) {
  EXPECT_EQ(registry.snapshot().last_event_id, "earliest") << "empty history";
  const nlohmann::json payload = {{"user", "u1"}};
  registry.add("urn:uuid:s1", {{"https://example.com/{id}", "", payload}, {"a", "", payload}});

  auto events = history_after("earliest");
  ASSERT_EQ(events.size(), 2u);
  for (const auto& e : events) {
    EXPECT_TRUE(e->is_private) << "who is connected is for authorized eyes only";
    ASSERT_EQ(e->topics.size(), 1u);
    auto j = nlohmann::json::parse(test::frame_data(e->frame));
    EXPECT_EQ(e->topics[0], j["id"]) << "the event's topic is the subscription's id";
    EXPECT_EQ(j["@context"], "https://mercure.rocks/");
    EXPECT_EQ(j["type"], "Subscription");
    EXPECT_EQ(j["subscriber"], "urn:uuid:s1");
    EXPECT_EQ(j["active"], true);
    EXPECT_EQ(j["payload"]["user"], "u1");
  }
  auto snap = registry.snapshot();
  EXPECT_EQ(snap.last_event_id, events.back()->id);
  ASSERT_EQ(snap.subscriptions.size(), 2u);

  registry.remove("urn:uuid:s1");
  events = history_after(snap.last_event_id);
  ASSERT_EQ(events.size(), 2u);
  for (const auto& e : events) {
    EXPECT_EQ(nlohmann::json::parse(test::frame_data(e->frame))["active"], false);
  }
  EXPECT_TRUE(registry.snapshot().subscriptions.empty());
  registry.remove("urn:uuid:s1");  // twice: nothing more
  EXPECT_EQ(history_after("earliest").size(), 4u);
}

// 1.0 subscriptions get the draft's documents: the topic is
// /.well-known/mercure/subscriptions/{match_type}/{match}/{subscriber} with each variable
// escaped once, the SSE event type is the reserved `mercure`, the JSON has no @context.
TEST_F(RegistryTest, V1SubscriptionEventsHaveTheDraftsShape) {
  registry.add("urn:uuid:bb3d", {{"https://example.com/:selector", "urlpattern", {{"foo", "bar"}}},
                                 {"https://example.com/a-topic", "exact", nullptr}});
  auto events = history_after("earliest");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_NE(events[0]->frame.find("event: mercure\n"), std::string::npos) << events[0]->frame;
  EXPECT_TRUE(events[0]->is_private);
  auto j = nlohmann::json::parse(test::frame_data(events[0]->frame));
  const std::string id =
      "/.well-known/mercure/subscriptions/urlpattern/"
      "https%3A%2F%2Fexample.com%2F%3Aselector/urn%3Auuid%3Abb3d";
  EXPECT_EQ(events[0]->topics[0], id);
  EXPECT_EQ(j["id"], id);
  EXPECT_EQ(j["type"], "subscription");
  EXPECT_EQ(j["match_type"], "urlpattern");
  EXPECT_EQ(j["match"], "https://example.com/:selector");
  EXPECT_EQ(j["subscriber"], "urn:uuid:bb3d");
  EXPECT_EQ(j["active"], true);
  EXPECT_EQ(j["payload"]["foo"], "bar");
  EXPECT_FALSE(j.contains("@context"));
  auto k = nlohmann::json::parse(test::frame_data(events[1]->frame));
  EXPECT_EQ(k["match_type"], "exact");
  EXPECT_FALSE(k.contains("payload")) << "no payload: no member";

  registry.remove("urn:uuid:bb3d");
  auto after = history_after(events.back()->id);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(test::frame_data(after[0]->frame))["active"], false);
  EXPECT_EQ(after[0]->topics[0], id) << "the same topic when it ends";
}

// The point of lastEventID: a listing plus the events after its lastEventID always add up
// to the current state, however subscribers come and go meanwhile.
TEST_F(RegistryTest, ListingPlusLaterEventsIsTheTruth) {
  std::atomic<bool> done{false};
  std::thread churn([&] {
    for (int i = 0; i < 120; ++i) {
      std::string id = "urn:uuid:";
      id += std::to_string(i % 20);
      if (i % 3 == 2) {
        registry.remove(id);
      } else {
        registry.add(id, {{'t' + std::to_string(i % 7), "", nullptr}});
      }
    }
    done = true;
  });
  std::vector<SubscriptionRegistry::Snapshot> snapshots;
  // A bounded number of snapshots, spread over the churn.
  for (int i = 0; i < 40 && !done; ++i) {
    snapshots.push_back(registry.snapshot());
    std::this_thread::sleep_for(std::chrono::microseconds(300));
  }
  churn.join();
  snapshots.push_back(registry.snapshot());

  using Key = std::pair<std::string, std::string>;
  auto final_snap = registry.snapshot();
  std::set<Key> truth;
  for (const auto& s : final_snap.subscriptions)
    truth.insert({s.subscriber, s.topic});
  ASSERT_GT(snapshots.size(), 1u);
  for (const auto& snap : snapshots) {
    std::set<Key> state;
    for (const auto& s : snap.subscriptions)
      state.insert({s.subscriber, s.topic});
    for (const auto& e : history_after(snap.last_event_id)) {
      auto j = nlohmann::json::parse(test::frame_data(e->frame));
      Key key{j["subscriber"], j["topic"]};
      if (j["active"] == true) {
        state.insert(key);
      } else {
        state.erase(key);
      }
    }
    ASSERT_EQ(state, truth) << "snapshot at " << snap.last_event_id;
  }
}

}  // namespace
}  // namespace herald::server
