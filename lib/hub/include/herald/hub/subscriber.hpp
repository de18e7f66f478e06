#pragma once
// What the fan-out needs of a subscriber. The server adapts a stream to it; the hub knows
// nothing of sockets. Every call comes on the subscriber's own shard thread.
#include <cstdint>
#include <vector>

#include "herald/hub/update.hpp"
#include "herald/match/selector.hpp"

namespace herald::hub {

// Updates a resuming subscriber will never get: history no longer holds them.
struct Gap {
  enum class Reason : std::uint8_t {
    unknown_last_event_id,    // its Last-Event-ID is not held (evicted, from before a
                              // restart of a memory history, or from elsewhere)
    evicted_while_replaying,  // retention let go of what it had yet to replay
    fell_behind_shared_log,   // a live subscriber: its hub read the cluster's shared log
                              // too late, after it had let go of updates (see Hub)
  };
  Reason reason;
  UpdatePtr oldest_held;  // the oldest update history still holds; null when none
};

class Subscriber {
 public:
  explicit Subscriber(std::vector<match::Selector> selectors) : selectors_(std::move(selectors)) {}
  virtual ~Subscriber() = default;
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  const std::vector<match::Selector>& selectors() const { return selectors_; }

  // Queues the next update of what history holds for a resuming subscriber, oldest first
  // (no write yet). They come until the replay has caught up; live updates only after.
  virtual void replay(const UpdatePtr& update) = 0;
  // Whether its queue has room for more of its replay (asked before each replayed
  // update). When it has none, the hub waits for Hub::replay_room before reading more
  // history for it: a subscriber that does not read holds at most its queue, never the
  // history it has yet to replay.
  virtual bool has_replay_room() const = 0;
  // Queues the news that it missed updates (no write yet), before whatever its replay
  // sends next. A subscriber that has no way to say so ignores it.
  virtual void missed(const Gap& gap) { (void)gap; }
  // Queues an update (no write yet). Must not unsubscribe synchronously.
  virtual void deliver(const UpdatePtr& update) = 0;
  // Writes what deliver() queued: called once per subscriber per batch of updates.
  virtual void flush() = 0;
  // The subscribe grants of its token, which decide the private updates it receives: one
  // whose topics include one that a grant matches. Null (the default): anonymous, it
  // receives none. Given to the hub as data, not as a yes/no per update, so that the shard
  // matches the evaluated grants through the per-topic cache it keeps for routing (see
  // Fanout). Must return the same set, unchanged, from Hub::subscribe to unsubscribe.
  virtual const match::SelectorSet* private_grants() const { return nullptr; }

 private:
  friend class Fanout;
  friend class ReplayQueue;
  std::vector<match::Selector> selectors_;
  // Index in each selector's subscriber list, then the template slot of each evaluated
  // private grant, in order (Fanout).
  std::vector<std::uint32_t> slots_;
  std::uint64_t seen_seq_ = 0;  // updates with seq <= this are skipped (dedup/replay)
  bool touched_ = false;        // queued something in the current batch
  // Replaying (see ReplayQueue): not in the fan-out yet; history read up to the cursor.
  enum class ReplayState : std::uint8_t { none, ready, waiting_for_room };
  ReplayState replay_state_ = ReplayState::none;
  bool replay_gap_ = false;  // resumed from an id not held: missed() comes first
  // Replays "everything held" (earliest, or an id not held) and has not read yet: what
  // retention lets go of before its first slice is not a gap for it.
  bool replay_from_oldest_ = false;
  std::uint64_t replay_cursor_ = 0;
};

}  // namespace herald::hub
