#pragma once
// What the fan-out needs of a subscriber. The server adapts a stream to it; the hub knows
// nothing of sockets. Every call comes on the subscriber's own shard thread.
#include <cstdint>
#include <vector>

#include "herald/hub/selector.hpp"
#include "herald/hub/update.hpp"

namespace herald::hub {

class Subscriber {
 public:
  explicit Subscriber(std::vector<Selector> selectors) : selectors_(std::move(selectors)) {}
  virtual ~Subscriber() = default;
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  const std::vector<Selector>& selectors() const { return selectors_; }

  // Queues what history holds for a resuming subscriber, oldest first, before any live
  // update (no write yet). Called once, only when the subscriber resumed.
  virtual void replay(const std::vector<UpdatePtr>& updates) = 0;
  // Queues an update (no write yet). Must not unsubscribe synchronously.
  virtual void deliver(const UpdatePtr& update) = 0;
  // Writes what deliver() queued: called once per subscriber per batch of updates.
  virtual void flush() = 0;
  // Whether this subscriber may receive a private update with these topics.
  virtual bool may_receive_private(const Update& update) const = 0;

 private:
  friend class Fanout;
  friend class ReplayQueue;
  std::vector<Selector> selectors_;
  std::vector<std::uint32_t> slots_;  // index in each selector's subscriber list
  std::uint64_t seen_seq_ = 0;        // updates with seq <= this are skipped (dedup/replay)
  bool touched_ = false;              // queued something in the current batch
  bool replay_pending_ = false;       // its replay is being filtered: live updates wait
  std::vector<UpdatePtr> held_;       // live updates that arrived meanwhile
};

}  // namespace herald::hub
