#include "herald/hub/hub.hpp"

namespace herald::hub {

Hub::Hub(std::unique_ptr<History> history, std::vector<ShardPost> shards)
    : history_(std::move(history)), handed_seq_(history_->next_seq() - 1) {
  for (auto& post : shards) {
    auto shard = std::make_unique<Shard>(*this);
    shard->post = std::move(post);
    // A durable history opens with what it kept before a restart: the shards have, in
    // effect, dispatched all of it, so a resume replays it and then goes live.
    shard->dispatched_seq = handed_seq_;
    shards_.push_back(std::move(shard));
  }
  // A shared history is the bus too: what it delivers (every hub's updates, in the log's
  // one order) is what the shards get.
  if (history_->is_shared()) {
    history_->deliver_to(
        [this](const UpdatePtr& update) {
          std::lock_guard lock(mutex_);
          hand_to_shards(update);
        },
        [this] {
          // In the inboxes, in order with the updates: a null update says "lost some".
          std::lock_guard lock(mutex_);
          for (auto& shard : shards_)
            push_to_shard(*shard, nullptr);
        });
  }
}

Hub::~Hub() {
  history_.reset();
}

void Hub::publish(std::shared_ptr<Update> update, PublishDone done) {
  if (history_->is_shared()) {
    // Stamped and handed to the shards when the log delivers it back (deliver_to).
    history_->append(std::move(update), std::move(done));
    return;
  }
  std::unique_lock lock(mutex_);
  update->seq = history_->next_seq();
  UpdatePtr shared = std::move(update);
  if (history_->completes_later()) {
    history_->append(shared, [this, shared, done = std::move(done)](AppendResult result) {
      // The store's thread, in append order: the shards get updates in history's order.
      if (result.ok()) {
        std::lock_guard later(mutex_);
        hand_to_shards(shared);
      }
      if (done) done(std::move(result));
    });
    return;
  }
  // A memory history keeps it at once, so there is no completion to allocate. Pushing
  // under the same lock as the append keeps every shard's order equal to the history's
  // order, so live delivery and replay agree.
  history_->append(shared, {});
  hand_to_shards(shared);
  lock.unlock();
  if (done) done({});
}

void Hub::hand_to_shards(const UpdatePtr& shared) {
  handed_seq_ = shared->seq;
  ++published_;
  for (auto& shard : shards_)
    push_to_shard(*shard, shared);
}

void Hub::push_to_shard(Shard& shard, const UpdatePtr& update) {
  shard.inbox.push_back(update);
  if (!shard.drain_posted) {
    shard.drain_posted = true;
    shard.post([this, s = &shard] { drain(*s); });
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
  for (const UpdatePtr& update : batch) {
    if (!update) {  // the shared history lost updates before the next ones (deliver_to)
      shard.fanout.missed_by_all({Gap::Reason::fell_behind_shared_log, nullptr});
      continue;
    }
    delivered += shard.fanout.dispatch(update);
    shard.dispatched_seq = update->seq;
  }
  shard.fanout.flush();
  shard.delivered.fetch_add(delivered, std::memory_order_relaxed);  // once per batch
  batch.clear();  // keeps its capacity: the next swap hands it back to the inbox
}

SubscribeResult Hub::subscribe(std::size_t shard, Subscriber& s, std::string_view last_event_id) {
  SubscribeResult result;
  ResumePoint resume;
  std::uint64_t seen_seq = 0;
  {
    std::lock_guard lock(mutex_);
    resume = history_->resume_point(last_event_id);
    result.newest = history_->newest_id();
    seen_seq = handed_seq_;
  }
  result.replay_from = resume.from;
  Shard& sh = *shards_[shard];
  if (resume.from == ReplayFrom::none) {
    // The fan-out belongs to this shard's thread, and updates published after seen_seq
    // reach it later on this same thread: registering at seen_seq misses none of them.
    go_live(sh, s, seen_seq);
    return result;
  }
  // History holds every topic: the replay keeps what this subscriber would have received
  // live. The matching is this subscriber's own cost, paid on its shard in slices.
  sh.replays.add(s, resume.after_seq,
                 resume.from == ReplayFrom::unknown    ? ReplayQueue::Start::unknown_id
                 : resume.from == ReplayFrom::earliest ? ReplayQueue::Start::oldest
                                                       : ReplayQueue::Start::after_seq);
  schedule_replay(sh);
  return result;
}

void Hub::go_live(Shard& shard, Subscriber& s, std::uint64_t seen_seq) {
  shard.fanout.add(s, seen_seq);
  publish_counts(shard);
}

void Hub::replay_room(std::size_t shard, Subscriber& s) {
  Shard& sh = *shards_[shard];
  if (sh.replays.room(s)) schedule_replay(sh);
}

void Hub::schedule_replay(Shard& shard) {
  if (shard.replay_posted) return;
  shard.replay_posted = true;
  shard.post([this, s = &shard] {
    s->replay_posted = false;
    if (s->replays.run_slice(s->dispatched_seq)) schedule_replay(*s);
  });
}

ReplayQueue::Slice Hub::read_history(std::uint64_t after_seq, std::uint64_t up_to_seq,
                                     std::size_t max, std::vector<UpdatePtr>& out) const {
  std::lock_guard lock(mutex_);
  return {history_->read(after_seq, up_to_seq, max, out), history_->oldest_seq()};
}

void Hub::unsubscribe(std::size_t shard, Subscriber& s) {
  Shard& sh = *shards_[shard];
  if (!sh.replays.remove(s)) sh.fanout.remove(s);  // a replaying one is not in the fan-out yet
  publish_counts(sh);
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

bool Hub::holds(std::string_view id) const {
  std::lock_guard lock(mutex_);
  return history_->resume_point(id).from == ReplayFrom::after_id;
}

History::Availability Hub::availability() const {
  // Without the hub lock: every subscribe asks, and History::availability is thread-safe.
  return history_->availability();
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
  return published_;
}

std::optional<std::string> Hub::newest_id() const {
  std::lock_guard lock(mutex_);
  return history_->newest_id();
}

}  // namespace herald::hub
