// A resuming subscriber that does not read holds at most its byte budget of replay; the rest
// stays in history, and the replay goes on as its stream drains (the sink's proceed).
#include <gtest/gtest.h>

#include "../common/recording_sink.hpp"
#include "hub_fixture.hpp"
#include "stream_subscriber.hpp"

namespace herald::server {
namespace {

TEST(StreamSubscriberReplay, StopsAtItsBudgetAndGoesOnAsTheStreamDrains) {
  test::ManualShard shard;
  hub::Hub hub(std::make_unique<store::MemoryHistory>(store::HistoryLimits{10000, 1 << 28}),
               {shard.post()});
  const std::string data(1000, 'x');
  for (int i = 0; i < 1000; ++i) {  // ~1 MB of history
    auto u = std::make_shared<hub::Update>();
    u->id = std::to_string(i);
    u->topics = {"t"};
    u->frame = "id: " + u->id + "\ndata: " + data + "\n\n";
    hub.publish(std::move(u));
  }
  shard.run();

  Metrics metrics;
  constexpr std::size_t budget = 20 * 1024;
  auto sink = std::make_shared<herald::test::RecordingSink>();
  sink->set_stalled(true);  // a client that does not read
  std::vector<match::Selector> selectors{*match::Selector::parse("t", nullptr)};
  auto subscriber =
      std::make_shared<StreamSubscriber>(std::move(selectors), nullptr, budget, metrics);
  subscriber->attach(sink);
  sink->on_proceed([&] { hub.replay_room(0, *subscriber); });  // as the subscribe endpoint does
  hub.subscribe(0, *subscriber, "earliest");
  shard.run();
  EXPECT_LT(sink->queued_bytes(), budget + 1100) << "at most the budget and one event";
  EXPECT_GT(sink->queued_bytes(), budget - 1100);
  EXPECT_TRUE(sink->written().empty());

  sink->set_stalled(false);
  for (int rounds = 0; rounds < 10000 && (!shard.work.empty() || sink->queued_bytes() > 0);
       ++rounds) {
    sink->drain();  // the client reads: proceed, and the replay goes on
    shard.run();
  }
  const std::string& got = sink->written();
  EXPECT_EQ(metrics.replayed.load(), 1000u);
  EXPECT_EQ(got.find("id: 0\n"), 0u);
  EXPECT_NE(got.find("id: 999\n"), std::string::npos);
  EXPECT_EQ(hub.subscribers(0), 1u) << "caught up, then live";
  hub.unsubscribe(0, *subscriber);
}

}  // namespace
}  // namespace herald::server
