#include "herald/hub/hub.hpp"

namespace herald::hub {

Hub::Hub(std::unique_ptr<History> history, std::vector<ShardPost> shards)
    : history_(std::move(history)) {
  for (auto& post : shards) {
    auto shard = std::make_unique<Shard>();
    shard->post = std::move(post);
    shards_.push_back(std::move(shard));
  }
}

void Hub::publish(std::shared_ptr<Update> update) {
  std::lock_guard lock(mutex_);
  update->seq = history_->next_seq();
  UpdatePtr shared = std::move(update);
  history_->append(shared);
  // Pushing under the same lock as the append keeps every shard's order equal to the
  // history's order, so live delivery and replay agree.
  for (auto& shard : shards_) {
    shard->inbox.push_back(shared);
    if (!shard->drain_posted) {
      shard->drain_posted = true;
      shard->post([this, s = shard.get()] { drain(*s); });
    }
  }
}

void Hub::drain(Shard& shard) {
  std::vector<UpdatePtr>& batch = shard.draining;
  {
    std::lock_guard lock(mutex_);
    batch.swap(shard.inbox);
    shard.drain_posted = false;
  }
  // Everything published since the last drain goes out in one pass, so each subscriber
  // writes the whole batch with one gathered write.
  std::uint64_t delivered = 0;
  for (const UpdatePtr& update : batch)
    delivered += shard.fanout.dispatch(update);
  shard.fanout.flush();
  shard.delivered.fetch_add(delivered, std::memory_order_relaxed);  // once per batch
  batch.clear();  // keeps its capacity: the next swap hands it back to the inbox
}

SubscribeResult Hub::subscribe(std::size_t shard, Subscriber& s, std::string_view last_event_id) {
  SubscribeResult result;
  ReplaySnapshot snapshot;
  std::uint64_t seen_seq = 0;
  {
    // Only the snapshot is taken under the lock, and it costs one step per history
    // segment: every publisher and every shard's drain waits on this lock.
    std::lock_guard lock(mutex_);
    result.replay_from = history_->replay(last_event_id, snapshot);
    result.newest = history_->newest_id();
    seen_seq = history_->next_seq() - 1;
  }
  // The fan-out belongs to this shard's thread, and updates published after the snapshot
  // reach it later on this same thread: registering at the snapshot's seq keeps replay and
  // live delivery seamless, with no gap and no duplicate.
  Shard& sh = *shards_[shard];
  sh.fanout.add(s, seen_seq);
  publish_counts(sh);
  // History holds every topic: the replay keeps what this subscriber would have received
  // live. The matching is this subscriber's own cost, paid on its shard, without the
  // hub's lock, in slices between the shard's other work.
  result.replay_candidates = snapshot.entries();
  if (result.replay_from != ReplayFrom::none) {
    sh.replays.add(s, std::move(snapshot));
    schedule_replay(sh);
  }
  return result;
}

void Hub::schedule_replay(Shard& shard) {
  if (shard.replay_posted) return;
  shard.replay_posted = true;
  shard.post([this, s = &shard] {
    s->replay_posted = false;
    if (s->replays.run_slice()) schedule_replay(*s);
  });
}

void Hub::unsubscribe(std::size_t shard, Subscriber& s) {
  shards_[shard]->replays.remove(s);
  shards_[shard]->fanout.remove(s);
  publish_counts(*shards_[shard]);
}

void Hub::publish_counts(Shard& shard) {
  shard.subscribers.store(shard.fanout.subscriber_count(), std::memory_order_relaxed);
  shard.selectors.store(shard.fanout.selector_count(), std::memory_order_relaxed);
}

Hub::ShardStats Hub::stats(std::size_t shard) const {
  const Shard& s = *shards_[shard];
  ShardStats out;
  out.delivered = s.delivered.load(std::memory_order_relaxed);
  out.subscribers = s.subscribers.load(std::memory_order_relaxed);
  out.selectors = s.selectors.load(std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  out.queue_depth = s.inbox.size();
  return out;
}

std::size_t Hub::history_size() const {
  std::lock_guard lock(mutex_);
  return history_->size();
}

std::size_t Hub::history_bytes() const {
  std::lock_guard lock(mutex_);
  return history_->bytes();
}

std::uint64_t Hub::published() const {
  std::lock_guard lock(mutex_);
  return history_->next_seq() - 1;
}

std::optional<std::string> Hub::newest_id() const {
  std::lock_guard lock(mutex_);
  return history_->newest_id();
}

}  // namespace herald::hub
