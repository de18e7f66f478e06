#include "herald/hub/replay_queue.hpp"

#include <algorithm>

#include "herald/hub/replay_filter.hpp"

namespace herald::hub {

void ReplayQueue::add(Subscriber& s, std::uint64_t after_seq, Start start) {
  s.replay_state_ = Subscriber::ReplayState::ready;
  s.replay_cursor_ = after_seq;
  s.replay_gap_ = start == Start::unknown_id;
  s.replay_from_oldest_ = start != Start::after_seq;
  ready_.push_back(&s);
}

bool ReplayQueue::remove(Subscriber& s) {
  if (s.replay_state_ == Subscriber::ReplayState::none) return false;
  if (s.replay_state_ == Subscriber::ReplayState::ready) std::erase(ready_, &s);
  s.replay_state_ = Subscriber::ReplayState::none;
  return true;
}

bool ReplayQueue::room(Subscriber& s) {
  if (s.replay_state_ != Subscriber::ReplayState::waiting_for_room) return false;
  s.replay_state_ = Subscriber::ReplayState::ready;
  ready_.push_back(&s);
  return true;
}

bool ReplayQueue::run_slice(std::uint64_t dispatched_seq) {
  if (ready_.empty()) return false;
  Subscriber& s = *ready_.front();
  ready_.pop_front();
  bool room = true;
  slice_.clear();
  if (s.replay_cursor_ < dispatched_seq) {
    const Slice read = read_(s.replay_cursor_, dispatched_seq, kSliceEntries, slice_);
    // History let go of updates this replay had yet to read while it waited for room, or
    // since it was asked for after a held id.
    if (!s.replay_from_oldest_ && s.replay_cursor_ + 1 < read.oldest_seq) {
      s.missed({Gap::Reason::evicted_while_replaying, slice_.empty() ? nullptr : slice_.front()});
    }
    s.replay_cursor_ = read.reached;
    s.replay_from_oldest_ = false;
  }
  if (s.replay_gap_) {
    // Said first, before anything replayed, even when history holds nothing.
    s.replay_gap_ = false;
    s.missed({Gap::Reason::unknown_last_event_id, slice_.empty() ? nullptr : slice_.front()});
  }
  // Matched per slice: a memo kept across slices would view updates history may have let
  // go of since.
  ReplayFilter filter(s);
  for (const UpdatePtr& u : slice_) {
    if (!filter.wants(*u)) continue;
    if (!s.has_replay_room()) {
      s.replay_cursor_ = u->seq - 1;  // read on from here when its stream has drained
      room = false;
      break;
    }
    s.replay(u);
  }
  if (s.replay_cursor_ >= dispatched_seq) {
    // Caught up: what the shard dispatches from now on reaches it live.
    s.replay_state_ = Subscriber::ReplayState::none;
    go_live_(s, s.replay_cursor_);
  } else if (room && s.has_replay_room()) {
    ready_.push_back(&s);
  } else {
    s.replay_state_ = Subscriber::ReplayState::waiting_for_room;
  }
  s.flush();
  slice_.clear();
  return !ready_.empty();
}

}  // namespace herald::hub
