#pragma once
// One shard's resuming subscribers. A resume may have to look at everything history
// holds, and its subscriber may read slowly or not at all. So each replay is read from
// history a slice at a time (the hub's lock is held per slice, never per history), round
// robin with the other replays and between the shard's other work (a publish waits at most
// one slice), and only while its subscriber's queue has room: a subscriber that stops
// reading pins its queue, not the history it has yet to replay. A replayed subscriber joins
// the fan-out once it has caught up with what the shard has dispatched: history is its
// buffer until then, so no live update waits in memory for it.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "herald/hub/subscriber.hpp"
#include "herald/hub/update.hpp"

namespace herald::hub {

class ReplayQueue {
 public:
  // History entries looked at per slice: tens of microseconds of matching.
  static constexpr std::size_t kSliceEntries = 256;

  // What one read of history returned: the seq reading got to (History::read) and, read
  // under the same lock, History::oldest_seq(): a cursor below it - 1 has missed updates.
  struct Slice {
    std::uint64_t reached = 0;
    std::uint64_t oldest_seq = 0;
  };
  // Reads held updates with seq in (after_seq, up_to_seq], at most `max` (History::read,
  // under the hub's lock).
  using Read = std::function<Slice(std::uint64_t after_seq, std::uint64_t up_to_seq,
                                   std::size_t max, std::vector<UpdatePtr>& out)>;
  // Registers a caught-up subscriber with the fan-out, past `seen_seq`.
  using GoLive = std::function<void(Subscriber& s, std::uint64_t seen_seq)>;

  ReplayQueue(Read read, GoLive go_live) : read_(std::move(read)), go_live_(std::move(go_live)) {}

  // Where a replay starts.
  enum class Start : std::uint8_t {
    after_seq,   // right after a held update
    oldest,      // at whatever history holds when its first slice is read (`earliest`)
    unknown_id,  // the same, after hearing of the gap first (Subscriber::missed): its
                 // Last-Event-ID is not held
  };
  // `s` replays what history holds above `after_seq`, then goes live.
  void add(Subscriber& s, std::uint64_t after_seq, Start start = Start::after_seq);
  // `s` is leaving; returns whether it was still replaying (so not in the fan-out).
  bool remove(Subscriber& s);
  // `s` wrote what it had queued: a replay waiting for room goes on. Returns whether it did.
  bool room(Subscriber& s);
  // Reads one slice for the subscriber whose turn it is, up to `dispatched_seq` (what the
  // shard has fanned out so far); returns whether more work is ready.
  bool run_slice(std::uint64_t dispatched_seq);
  bool ready() const { return !ready_.empty(); }

 private:
  Read read_;
  GoLive go_live_;
  std::deque<Subscriber*> ready_;  // the front one's turn is next
  std::vector<UpdatePtr> slice_;   // reused
};

}  // namespace herald::hub
