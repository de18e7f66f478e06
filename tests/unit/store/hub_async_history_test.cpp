// The hub over a history that completes appends later, as a durable store does: an update
// reaches subscribers only once it is kept, in seq order, and one the store refused never
// does. The store here is the memory history behind a queue this test completes by hand,
// so each interleaving is exact (the LMDB store's own tests run the real thing).
#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "herald/hub/hub.hpp"
#include "herald/store/memory_history.hpp"

namespace herald::hub {
namespace {

class DeferredHistory final : public History {
 public:
  bool append(const UpdatePtr& update, AppendDone done) override {
    ++next_seq_;
    pending_.push_back({update, std::move(done)});
    return false;
  }
  bool completes_later() const override { return true; }
  // Completes the oldest pending append, as the store's thread would (without the hub's
  // lock): kept, or refused with `error`.
  void complete_one(const std::string& error = {}) {
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    if (error.empty()) kept_.append(p.update, {});
    p.done({error});
  }
  std::size_t pending() const { return pending_.size(); }

  ResumePoint resume_point(std::string_view id) const override { return kept_.resume_point(id); }
  std::uint64_t read(std::uint64_t after, std::uint64_t up_to, std::size_t max,
                     std::vector<UpdatePtr>& out) const override {
    return kept_.read(after, up_to, max, out);
  }
  std::uint64_t oldest_seq() const override { return kept_.oldest_seq(); }
  std::uint64_t next_seq() const override { return next_seq_; }
  std::optional<std::string> newest_id() const override { return kept_.newest_id(); }
  std::size_t size() const override { return kept_.size(); }
  std::size_t bytes() const override { return kept_.bytes(); }

 private:
  struct Pending {
    UpdatePtr update;
    AppendDone done;
  };
  store::MemoryHistory kept_{store::HistoryLimits{100, 1 << 20}};
  std::deque<Pending> pending_;
  std::uint64_t next_seq_ = 1;
};

class Recorder : public Subscriber {
 public:
  Recorder()
      : Subscriber([] {
          std::string error;
          std::vector<match::Selector> v;
          v.push_back(*match::Selector::parse("t", &error));
          return v;
        }()) {}
  void replay(const UpdatePtr& u) override { got.push_back(u->id); }
  void deliver(const UpdatePtr& u) override { got.push_back(u->id); }
  bool has_replay_room() const override { return true; }
  void flush() override {}
  std::vector<std::string> got;
};

std::shared_ptr<Update> make(const std::string& id) {
  auto u = std::make_shared<Update>();
  u->id = id;
  u->topics = {"t"};
  u->frame = "id: " + id + "\ndata: x\n\n";
  return u;
}

struct AsyncHubTest : ::testing::Test {
  std::deque<std::function<void()>> work;
  DeferredHistory* history = nullptr;
  std::unique_ptr<Hub> hub;
  std::vector<std::string> answers;  // what each publisher was told, in order
  AsyncHubTest() {
    auto h = std::make_unique<DeferredHistory>();
    history = h.get();
    hub = std::make_unique<Hub>(
        std::move(h), std::vector<ShardPost>{[this](auto fn) { work.push_back(std::move(fn)); }});
  }
  void publish(const std::string& id) {
    hub->publish(make(id), [this, id](AppendResult r) {
      answers.push_back(id + (r.ok() ? ":kept" : ":" + r.error));
    });
  }
  void run() {
    while (!work.empty()) {
      auto fn = std::move(work.front());
      work.pop_front();
      fn();
    }
  }
};

TEST_F(AsyncHubTest, NothingIsDeliveredOrAnsweredBeforeTheStoreKeepsIt) {
  ASSERT_TRUE(hub->completes_later());
  Recorder s;
  hub->subscribe(0, s, "");
  publish("1");
  publish("2");
  run();
  EXPECT_TRUE(s.got.empty());
  EXPECT_TRUE(answers.empty());
  EXPECT_EQ(hub->newest_id(), std::nullopt);
  history->complete_one();
  run();
  EXPECT_EQ(s.got, (std::vector<std::string>{"1"}));
  EXPECT_EQ(answers, (std::vector<std::string>{"1:kept"}));
  history->complete_one();
  run();
  EXPECT_EQ(s.got, (std::vector<std::string>{"1", "2"}));
}

TEST_F(AsyncHubTest, ARefusedUpdateIsAnsweredWithTheErrorAndNeverDelivered) {
  Recorder s;
  hub->subscribe(0, s, "");
  publish("1");
  publish("2");
  publish("3");
  history->complete_one();
  history->complete_one("history store is full");
  history->complete_one();
  run();
  EXPECT_EQ(s.got, (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(answers, (std::vector<std::string>{"1:kept", "2:history store is full", "3:kept"}));
  EXPECT_EQ(hub->published(), 2u) << "the refused one is not counted as published";
  // A resume replays what was kept: the refused seq is a hole, not a loss.
  Recorder resumed;
  hub->subscribe(0, resumed, "earliest");
  run();
  EXPECT_EQ(resumed.got, (std::vector<std::string>{"1", "3"}));
}

TEST_F(AsyncHubTest, ASubscriberThatJoinsWhileAnUpdateIsBeingKeptGetsItLive) {
  publish("1");
  Recorder s;
  hub->subscribe(0, s, "");  // "1" has its seq but is not kept yet
  history->complete_one();
  run();
  EXPECT_EQ(s.got, (std::vector<std::string>{"1"}));
}

TEST_F(AsyncHubTest, AResumeMeetsUpdatesKeptDuringItsReplayWithoutGapOrDuplicate) {
  publish("1");
  publish("2");
  history->complete_one();
  history->complete_one();
  run();
  Recorder s;
  hub->subscribe(0, s, "1");
  publish("3");  // pending while the replay is posted
  run();
  history->complete_one();
  run();
  EXPECT_EQ(s.got, (std::vector<std::string>{"2", "3"}));
}

}  // namespace
}  // namespace herald::hub
