// The hub with its real in-memory history: ordering, replay and the live/replay seam.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <functional>
#include <future>

#include "herald/hub/hub.hpp"
#include "herald/hub/replay_queue.hpp"
#include "herald/store/memory_history.hpp"

namespace herald::hub {
namespace {

// A shard whose posted work runs when the test says so, as an io_context would later.
struct ManualShard {
  std::deque<std::function<void()>> work;
  ShardPost post() {
    return [this](std::function<void()> fn) { work.push_back(std::move(fn)); };
  }
  void run() {
    while (!work.empty()) {
      auto fn = std::move(work.front());
      work.pop_front();
      fn();
    }
  }
};

class Recorder : public Subscriber {
 public:
  explicit Recorder(const char* selector)
      : Subscriber([&] {
          std::string error;
          std::vector<match::Selector> v;
          v.push_back(*match::Selector::parse(selector, &error));
          return v;
        }()) {}
  void replay(const UpdatePtr& u) override {
    replayed.push_back(u->id);
    both.push_back(u->id);
  }
  void deliver(const UpdatePtr& u) override {
    ids.push_back(u->id);
    both.push_back(u->id);
  }
  void missed(const Gap& gap) override {
    const char* reason =
        gap.reason == Gap::Reason::unknown_last_event_id ? "unknown-id" : "evicted";
    both.push_back(std::string("reset:") + reason + ":" +
                   (gap.oldest_held ? gap.oldest_held->id : "none"));
  }
  bool has_replay_room() const override { return replayed.size() < room_for; }
  void flush() override { ++flushes; }
  std::size_t room_for = SIZE_MAX;    // has room while it replayed fewer
  std::vector<std::string> replayed;  // what replay() got
  std::vector<std::string> ids;       // what deliver() got (live)
  std::vector<std::string> both;      // both, in the order they came
  int flushes = 0;
};

std::shared_ptr<Update> make(const std::string& id, const std::string& topic,
                             bool is_private = false) {
  auto u = std::make_shared<Update>();
  u->id = id;
  u->topics = {topic};
  u->is_private = is_private;
  u->frame = "id: " + id + "\ndata: x\n\n";
  return u;
}

struct HubTest : ::testing::Test {
  ManualShard shard0, shard1;
  Hub hub{std::make_unique<store::MemoryHistory>(store::HistoryLimits{100, 1 << 20}),
          {shard0.post(), shard1.post()}};
  void h_subscribe_and_run(Recorder& s, const char* last_event_id) {
    hub.subscribe(0, s, last_event_id);
    shard0.run();
  }
};

TEST_F(HubTest, DeliversToEveryShardInPublishOrderWithOneFlushPerBatch) {
  Recorder a("t"), b("t");
  hub.subscribe(0, a, "");
  hub.subscribe(1, b, "");
  for (auto id : {"1", "2", "3"})
    hub.publish(make(id, "t"));
  // One drain was posted per shard for the whole burst.
  EXPECT_EQ(shard0.work.size(), 1u);
  shard0.run();
  shard1.run();
  EXPECT_EQ(a.ids, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(b.ids, a.ids);
  EXPECT_EQ(a.flushes, 1);
}

TEST_F(HubTest, ReplayAndLiveMeetWithoutGapOrDuplicate) {
  for (auto id : {"1", "2", "3"})
    hub.publish(make(id, "t"));
  // Subscribing before the shard drained: 2 and 3 are both queued live and in history.
  Recorder s("t");
  SubscribeResult r = hub.subscribe(0, s, "1");
  EXPECT_EQ(r.replay_from, ReplayFrom::after_id);
  EXPECT_EQ(r.newest, "3");
  hub.publish(make("4", "t"));  // before the replay caught up: it comes with it
  shard0.run();
  hub.publish(make("5", "t"));
  shard0.run();
  EXPECT_EQ(s.replayed, (std::vector<std::string>{"2", "3", "4"}));
  EXPECT_EQ(s.ids, (std::vector<std::string>{"5"}));
  EXPECT_EQ(s.both, (std::vector<std::string>{"2", "3", "4", "5"}));
}

TEST_F(HubTest, ReplayKeepsOnlyWhatTheSubscriberWouldHaveReceived) {
  hub.publish(make("1", "t"));
  hub.publish(make("2", "other"));
  hub.publish(make("3", "t", /*is_private=*/true));
  hub.publish(make("4", "t"));
  Recorder s("t");
  hub.subscribe(0, s, "earliest");
  shard0.run();
  EXPECT_EQ(s.replayed, (std::vector<std::string>{"1", "4"}));
}

TEST_F(HubTest, AResumeFromAnIdNotHeldHearsOfTheGapFirstThenGetsEverythingHeld) {
  auto small = std::make_unique<store::MemoryHistory>(store::HistoryLimits{2, 1 << 20});
  ManualShard shard;
  Hub h{std::move(small), {shard.post()}};
  for (auto id : {"1", "2", "3"})
    h.publish(make(id, "t"));
  shard.run();
  Recorder evicted("t"), known("t"), none("t");
  EXPECT_EQ(h.subscribe(0, evicted, "1").replay_from, ReplayFrom::unknown);
  h.subscribe(0, known, "2");
  h.subscribe(0, none, "");
  shard.run();
  EXPECT_EQ(evicted.both, (std::vector<std::string>{"reset:unknown-id:2", "2", "3"}));
  EXPECT_EQ(known.both, (std::vector<std::string>{"3"})) << "a held id: no reset";
  EXPECT_TRUE(none.both.empty()) << "no Last-Event-ID: live only, no reset";
}

TEST_F(HubTest, AResumeIntoAnEmptyHistoryHearsOfTheGapWithNoOldestId) {
  // A memory history after a restart: the client's id is from before it.
  Recorder s("t");
  h_subscribe_and_run(s, "from-before-restart");
  EXPECT_EQ(s.both, (std::vector<std::string>{"reset:unknown-id:none"}));
  hub.publish(make("1", "t"));
  shard0.run();
  EXPECT_EQ(s.ids, (std::vector<std::string>{"1"})) << "then live, as usual";
}

TEST_F(HubTest, AReplayThatWaitsForRoomWhileHistoryEvictsHearsOfTheGap) {
  ManualShard shard;
  Hub h{std::make_unique<store::MemoryHistory>(store::HistoryLimits{4, 1 << 20}), {shard.post()}};
  for (auto id : {"1", "2", "3", "4"})
    h.publish(make(id, "t"));
  shard.run();
  Recorder slow("t");
  slow.room_for = 1;  // replays "1", then waits for its stream to drain
  h.subscribe(0, slow, "earliest");
  shard.run();
  EXPECT_EQ(slow.both, (std::vector<std::string>{"1"}));
  for (auto id : {"5", "6", "7"})
    h.publish(make(id, "t"));  // 2 and 3 are evicted before it read them
  shard.run();
  slow.room_for = SIZE_MAX;
  h.replay_room(0, slow);
  shard.run();
  EXPECT_EQ(slow.both, (std::vector<std::string>{"1", "reset:evicted:4", "4", "5", "6", "7"}));
}

TEST(HubOverAHeldHistory, ResumesFromWhatTheHistoryHeldBeforeTheHubStarted) {
  // A durable history reopened after a restart already holds updates: a resume replays
  // them, then goes live, and live ones number on from them.
  auto history = std::make_unique<store::MemoryHistory>(store::HistoryLimits{100, 1 << 20});
  for (auto id : {"1", "2", "3"}) {
    auto u = make(id, "t");
    u->seq = history->next_seq();
    history->append(u, {});
  }
  ManualShard shard;
  Hub h{std::move(history), {shard.post()}};
  Recorder resumed("t"), live("t");
  h.subscribe(0, resumed, "1");
  h.subscribe(0, live, "");
  shard.run();
  h.publish(make("4", "t"));
  shard.run();
  EXPECT_EQ(resumed.both, (std::vector<std::string>{"2", "3", "4"}));
  EXPECT_EQ(live.both, (std::vector<std::string>{"4"}));
}

TEST_F(HubTest, EarliestIsEverythingHeldWhenItIsReadSoEvictionsBeforeThatAreNoGap) {
  ManualShard shard;
  Hub h{std::make_unique<store::MemoryHistory>(store::HistoryLimits{2, 1 << 20}), {shard.post()}};
  for (auto id : {"1", "2"})
    h.publish(make(id, "t"));
  shard.run();
  Recorder earliest("t"), after_held("t");
  h.subscribe(0, earliest, "earliest");
  h.subscribe(0, after_held, "1");
  for (auto id : {"3", "4"})
    h.publish(make(id, "t"));  // 1 and 2 go before either replay reads
  shard.run();
  EXPECT_EQ(earliest.both, (std::vector<std::string>{"3", "4"}));
  // "1" was held when it asked: "2" was its to get, and it is gone.
  EXPECT_EQ(after_held.both, (std::vector<std::string>{"reset:evicted:3", "3", "4"}));
}

TEST_F(HubTest, RepeatedIdIsKeptAndDeliveredAndResumesAfterItsFirstOccurrence) {
  Recorder s("t");
  hub.subscribe(0, s, "");
  hub.publish(make("1", "t"));
  hub.publish(make("2", "t"));
  hub.publish(make("1", "t"));
  shard0.run();
  EXPECT_EQ(s.ids, (std::vector<std::string>{"1", "2", "1"}));
  EXPECT_EQ(hub.published(), 3u);
  Recorder late("t");
  hub.subscribe(0, late, "1");
  shard0.run();
  EXPECT_EQ(late.replayed, (std::vector<std::string>{"2", "1"}));
}

TEST_F(HubTest, UnsubscribedSubscriberIsNeverCalledAgain) {
  Recorder s("t");
  hub.subscribe(0, s, "");
  hub.publish(make("1", "t"));
  hub.unsubscribe(0, s);
  shard0.run();
  EXPECT_TRUE(s.ids.empty());
  EXPECT_EQ(hub.subscribers(0), 0u);
}

// Filtering a replay is the subscriber's own work: while it runs, a publisher on another
// thread must not wait for it (issue 9: one resume with big templates froze the hub).
// The subscriber below asks, from inside the filter, whether a publish can complete.
class PublishesWhileFiltered : public Recorder {
 public:
  explicit PublishesWhileFiltered(Hub& hub) : Recorder("t"), hub_(hub) {}
  // Asked by the replay filter of a private update (and by the fan-out later: the publish
  // is started once).
  const match::SelectorSet* private_grants() const override {
    if (!publishing.valid()) {
      // Kept in a member: a future's destructor waits for its task, which must not happen
      // here if the lock is (wrongly) held.
      publishing = std::async(std::launch::async, [this] { hub_.publish(make("live", "t")); });
      publish_completed = publishing.wait_for(std::chrono::seconds(2)) == std::future_status::ready;
    }
    return &grants_;
  }
  mutable std::future<void> publishing;
  mutable bool publish_completed = false;

 private:
  Hub& hub_;
  match::SelectorSet grants_{{*match::Selector::parse("*", nullptr)}};
};

TEST_F(HubTest, ReplayIsFilteredWithoutHoldingTheHubLock) {
  hub.publish(make("1", "t", /*is_private=*/true));
  PublishesWhileFiltered s(hub);
  hub.subscribe(0, s, "earliest");
  shard0.run();  // filters the replay, whose filter publishes from another thread
  s.publishing.wait();
  EXPECT_TRUE(s.publish_completed) << "a publish waited for a subscriber's replay filter";
  shard0.run();
  // The update published during the filtering is live, not part of the replay.
  EXPECT_EQ(s.replayed, (std::vector<std::string>{"1"}));
  EXPECT_EQ(s.ids, (std::vector<std::string>{"live"}));
}

TEST_F(HubTest, ReplayMatchesEachDistinctTopicOnceAndKeepsOrder) {
  for (int i = 0; i < 50; ++i)
    hub.publish(make(std::to_string(i), i % 2 == 0 ? "t" : "u"));
  Recorder s("t");
  hub.subscribe(0, s, "earliest");
  shard0.run();
  ASSERT_EQ(s.replayed.size(), 25u);
  for (std::size_t i = 0; i < s.replayed.size(); ++i)
    EXPECT_EQ(s.replayed[i], std::to_string(2 * i));
}

// A replay longer than one slice: the shard runs other work between its slices (the drain
// of a live publish here). The subscriber joins the fan-out once its replay has caught up
// with what the shard dispatched, so an update published meanwhile comes through the
// replay, and later ones live: in order, no gap, no duplicate.
struct SlicedReplayTest : ::testing::Test {
  static constexpr std::size_t held = 3 * ReplayQueue::kSliceEntries + 10;
  ManualShard shard;
  Hub hub{std::make_unique<store::MemoryHistory>(store::HistoryLimits{held + 10, 1 << 28}),
          {shard.post()}};
  std::weak_ptr<const Update> newest_held;
  SlicedReplayTest() {
    for (std::size_t i = 0; i < held; ++i) {
      auto u = make(std::to_string(i), "t");
      newest_held = u;
      hub.publish(std::move(u));
    }
    shard.run();
  }
  void run_one() {
    auto fn = std::move(shard.work.front());
    shard.work.pop_front();
    fn();
  }
};

TEST_F(SlicedReplayTest, LiveUpdatesComeAfterTheReplayInOrder) {
  Recorder s("t");
  hub.subscribe(0, s, "earliest");
  run_one();  // the first slice
  EXPECT_EQ(s.replayed.size(), ReplayQueue::kSliceEntries);
  EXPECT_EQ(hub.subscribers(0), 0u) << "not in the fan-out while replaying";
  hub.publish(make("during", "t"));
  shard.run();
  EXPECT_EQ(hub.subscribers(0), 1u);
  hub.publish(make("after", "t"));
  shard.run();
  ASSERT_EQ(s.both.size(), held + 2);
  EXPECT_EQ(s.both.front(), "0");
  EXPECT_EQ(s.both[held - 1], std::to_string(held - 1));
  EXPECT_EQ(s.both[held], "during");
  EXPECT_EQ(s.both.back(), "after");
  EXPECT_EQ(s.ids, (std::vector<std::string>{"after"}));
}

TEST_F(SlicedReplayTest, AShortResumeIsNotStuckBehindALongOne) {
  Recorder everything("t"), recent("t");
  hub.subscribe(0, everything, "earliest");
  hub.subscribe(0, recent, std::to_string(held - 3));
  run_one();  // a slice of the long one
  run_one();  // the short one, whole
  EXPECT_EQ(recent.replayed.size(), 2u);
  EXPECT_LT(everything.replayed.size(), held);
  shard.run();
  EXPECT_EQ(everything.replayed.size(), held);
}

TEST_F(SlicedReplayTest, ASubscriberThatLeavesMidReplayIsNeverCalledAgain) {
  Recorder s("t");
  hub.subscribe(0, s, "earliest");
  run_one();
  const std::size_t got = s.both.size();
  hub.unsubscribe(0, s);
  hub.publish(make("live", "t"));
  shard.run();
  EXPECT_EQ(s.both.size(), got);
  EXPECT_EQ(hub.subscribers(0), 0u);
}

// A subscriber that stops reading holds at most its room: its replay stops there, even in
// the middle of a slice, and waits (no work, nothing pinned) until its stream drains, then
// goes on from where it was.
TEST_F(SlicedReplayTest, AReplayWaitsForRoomAndGoesOnWhenTheStreamDrains) {
  Recorder s("t");
  s.room_for = 10;
  hub.subscribe(0, s, "earliest");
  shard.run();
  EXPECT_EQ(s.replayed.size(), 10u) << "stops where its room ends";
  EXPECT_TRUE(shard.work.empty()) << "no work while it waits";
  s.room_for = SIZE_MAX;
  hub.replay_room(0, s);
  shard.run();
  ASSERT_EQ(s.replayed.size(), held);
  for (std::size_t i = 0; i < held; ++i)
    ASSERT_EQ(s.replayed[i], std::to_string(i)) << "in order, none twice";
  hub.replay_room(0, s);  // a drain after the replay: nothing to do
  EXPECT_TRUE(shard.work.empty());
}

// What history evicts while a replay waits is not pinned by that replay: the subscriber
// gets what is still held when it reads on.
TEST_F(SlicedReplayTest, AWaitingReplayDoesNotPinWhatHistoryEvicts) {
  Recorder s("t");
  s.room_for = 1;
  hub.subscribe(0, s, "earliest");
  shard.run();
  for (std::size_t i = 0; i < held + 10; ++i)  // turns history over
    hub.publish(make("new" + std::to_string(i), "t"));
  shard.run();
  EXPECT_TRUE(newest_held.expired()) << "evicted, and not pinned by the waiting replay";
  s.room_for = SIZE_MAX;
  hub.replay_room(0, s);
  shard.run();
  ASSERT_EQ(s.replayed.size(), 1 + held + 10) << "the first one, then what history holds now";
  EXPECT_EQ(s.replayed[0], "0");
  EXPECT_EQ(s.replayed[1], "new0");
}

}  // namespace
}  // namespace herald::hub
