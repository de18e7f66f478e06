#include "herald/hub/replay_queue.hpp"

#include <algorithm>

#include "herald/hub/replay_filter.hpp"

namespace herald::hub {

void ReplayQueue::add(Subscriber& s, std::uint64_t after_seq) {
  s.replay_state_ = Subscriber::ReplayState::ready;
  s.replay_cursor_ = after_seq;
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
  if (s.replay_cursor_ < dispatched_seq) {
    slice_.clear();
    const std::uint64_t reached = read_(s.replay_cursor_, dispatched_seq, kSliceEntries, slice_);
    s.replay_cursor_ = reached;
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
