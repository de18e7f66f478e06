// A subscriber whose queue passes its byte budget is cut, with the sink's deferred abort:
// the fan-out that finds it over budget is walking the subscriber lists its close would
// change, so the stream closes (and leaves the hub) only once that walk is over.
#include <gtest/gtest.h>

#include "../common/recording_sink.hpp"
#include "hub_fixture.hpp"
#include "stream_subscriber.hpp"

namespace herald::server {
namespace {

std::shared_ptr<hub::Update> update(int i) {
  auto u = std::make_shared<hub::Update>();
  u->id = std::to_string(i);
  u->topics = {"t"};
  u->frame = "id: " + u->id + "\ndata: " + std::string(100, 'x') + "\n\n";
  return u;
}

TEST(StreamSubscriberCut, OverItsBudgetTheStreamIsCutOnceTheFanOutIsDone) {
  test::ManualShard shard;
  hub::Hub hub(std::make_unique<store::MemoryHistory>(store::HistoryLimits{100, 1 << 20}),
               {shard.post()});
  Metrics metrics;
  auto sink = std::make_shared<herald::test::RecordingSink>();
  sink->set_stalled(true);  // a client that does not read
  auto slow = std::make_shared<StreamSubscriber>(
      std::vector<match::Selector>{*match::Selector::parse("t", nullptr)}, nullptr, 300, metrics);
  slow->attach(sink);
  sink->on_close([slow] { slow->leave(); });  // as the subscribe endpoint does
  slow->join(hub, 0, "");
  test::HistoryReader other;  // a sibling on the same topic, which goes on
  hub.subscribe(0, other, "");
  shard.run();

  for (int i = 0; i < 5; ++i) {
    hub.publish(update(i));
    shard.run();
  }
  EXPECT_EQ(metrics.subscribers_cut.load(), 1u);
  EXPECT_TRUE(sink->abort_posted());
  EXPECT_FALSE(sink->closed()) << "not from inside the fan-out";
  EXPECT_EQ(hub.subscribers(0), 2u);

  sink->run_posted();  // the shard's loop turns
  EXPECT_TRUE(sink->aborted());
  EXPECT_TRUE(sink->closed());
  EXPECT_EQ(hub.subscribers(0), 1u) << "the cut subscriber left the hub";

  hub.publish(update(5));
  shard.run();
  EXPECT_EQ(other.live.size(), 6u);
  hub.unsubscribe(0, other);
}

}  // namespace
}  // namespace herald::server
