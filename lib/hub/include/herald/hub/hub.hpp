#pragma once
// The hub: orders every update through the history, then hands it to each worker shard
// once. Shards run the fan-out on their own thread (see Fanout); the hub never touches a
// subscriber from another thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/hub/fanout.hpp"
#include "herald/hub/history.hpp"
#include "herald/hub/replay_queue.hpp"
#include "herald/hub/update.hpp"

namespace herald::hub {

// Runs a function on a shard's thread, later (e.g. asio::post on its io_context).
using ShardPost = std::function<void(std::function<void()>)>;
// How a publish ended (see Hub::publish).
using PublishDone = std::function<void(AppendResult)>;

struct SubscribeResult {
  ReplayFrom replay_from = ReplayFrom::none;
  std::optional<std::string> newest;  // the newest id in history at subscribe time
};

class Hub {
 public:
  Hub(std::unique_ptr<History> history, std::vector<ShardPost> shards);
  // Completes what the history has accepted first (its completions reach the shards).
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Thread-safe. Assigns the update's seq and keeps it in history; once kept, posts it to
  // every shard, in one order for all shards: no subscriber sees an update a crash could
  // still lose. `done` (may be empty) says how it ended: at once on this thread with a
  // memory history, later on the store's thread with a durable one (see completes_later).
  void publish(std::shared_ptr<Update> update, PublishDone done = {});
  // Whether publish completes later, on the store's thread: a caller that answers a client
  // must then hand the answer back to its own thread.
  bool completes_later() const { return history_->completes_later(); }

  // Whether the history is shared with other hubs (History::is_shared): a constant.
  bool is_shared() const { return history_->is_shared(); }
  // Whether history holds an update with this id. Thread-safe.
  bool holds(std::string_view id) const;
  // What the history can do now (see History::availability). Thread-safe, and takes no
  // hub lock: a subscribe asking does not wait behind publishes.
  History::Availability availability() const;
  // Calls `done(true)` (on any thread) once this hub has every update its shared history
  // held when called, at once when the history is not shared; `done(false)` when the
  // shared log is out of reach (see History::catch_up). A subscriber resuming from an id
  // another hub delivered subscribes after it. Thread-safe.
  void catch_up(std::function<void(bool caught_up)> done) { history_->catch_up(std::move(done)); }

  // On shard `shard`'s thread: registers `s`. A resuming subscriber gets its replay later
  // on that thread, in parts (Subscriber::replay, see ReplayQueue), and its live updates
  // only after it: no gap, no duplicate.
  SubscribeResult subscribe(std::size_t shard, Subscriber& s, std::string_view last_event_id);
  // On shard `shard`'s thread: `s` has written what it had queued, so a replay that waits
  // for room (Subscriber::has_replay_room) goes on. Cheap when it does not.
  void replay_room(std::size_t shard, Subscriber& s);
  // On shard `shard`'s thread. After it returns, `s` is never called again.
  void unsubscribe(std::size_t shard, Subscriber& s);

  std::size_t shard_count() const { return shards_.size(); }
  std::size_t history_size() const;
  std::size_t history_bytes() const;
  // Updates kept and handed to the shards since this hub started (not those the store
  // refused). Thread-safe.
  std::uint64_t published() const;
  // The id of the newest update in history; none while it is empty. Thread-safe.
  std::optional<std::string> newest_id() const;

  // Statistics, readable from any thread (relaxed: for metrics, not for logic).
  struct ShardStats {
    std::uint64_t delivered = 0;  // updates queued to subscribers, total
    std::size_t subscribers = 0;  // now
    std::size_t selectors = 0;    // distinct selectors subscribed now
    std::size_t queue_depth = 0;  // updates posted but not yet fanned out
  };
  ShardStats stats(std::size_t shard) const;
  std::size_t subscribers(std::size_t shard) const { return stats(shard).subscribers; }

 private:
  struct Shard {
    explicit Shard(Hub& hub)
        : replays(
              [&hub](std::uint64_t after, std::uint64_t up_to, std::size_t max,
                     std::vector<UpdatePtr>& out) {
                return hub.read_history(after, up_to, max, out);
              },
              [&hub, this](Subscriber& s, std::uint64_t seen) { hub.go_live(*this, s, seen); }) {}
    ShardPost post;
    Fanout fanout;
    // The shard thread's: resumes being replayed, whether a slice is posted, and the seq of
    // the newest update fanned out (a replay that reaches it goes live).
    ReplayQueue replays;
    bool replay_posted = false;
    std::uint64_t dispatched_seq = 0;
    std::vector<UpdatePtr> inbox;     // guarded by Hub::mutex_
    std::vector<UpdatePtr> draining;  // the shard thread's; swapped with inbox, reused
    bool drain_posted = false;        // guarded by Hub::mutex_
    // Written by the shard thread once per batch or (un)subscribe; read by metrics.
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::size_t> subscribers{0};
    std::atomic<std::size_t> selectors{0};
  };
  // Under mutex_: hands a kept update to every shard.
  void hand_to_shards(const UpdatePtr& update);
  // Under mutex_: into the shard's inbox (null: the shared history lost updates), with
  // a drain posted.
  void push_to_shard(Shard& shard, const UpdatePtr& update);
  void drain(Shard& shard);
  void schedule_replay(Shard& shard);
  void go_live(Shard& shard, Subscriber& s, std::uint64_t seen_seq);
  ReplayQueue::Slice read_history(std::uint64_t after_seq, std::uint64_t up_to_seq, std::size_t max,
                                  std::vector<UpdatePtr>& out) const;
  static void publish_counts(Shard& shard);

  mutable std::mutex mutex_;  // orders appends and inbox pushes; never held per subscriber
  std::unique_ptr<History> history_;
  std::vector<std::unique_ptr<Shard>> shards_;
  // The newest seq handed to the shards: a subscriber that joins live has seen up to it,
  // and an update still being made durable reaches it through its shard later.
  std::uint64_t handed_seq_ = 0;  // guarded by mutex_
  std::uint64_t published_ = 0;   // guarded by mutex_
};

}  // namespace herald::hub
