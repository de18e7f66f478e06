#include "herald/hub/hub.hpp"

#include <algorithm>

namespace herald::hub {

Hub::Hub(std::unique_ptr<History> history, std::vector<ShardPost> shards)
    : history_(std::move(history)) {
  for (auto& post : shards) {
    auto shard = std::make_unique<Shard>();
    shard->post = std::move(post);
    shards_.push_back(std::move(shard));
  }
}

PublishResult Hub::publish(std::shared_ptr<Update> update) {
  std::lock_guard lock(mutex_);
  update->seq = history_->next_seq();
  UpdatePtr shared = std::move(update);
  if (!history_->append(shared)) return PublishResult::duplicate_id;
  // Pushing under the same lock as the append keeps every shard's order equal to the
  // history's order, so live delivery and replay agree.
  for (auto& shard : shards_) {
    shard->inbox.push_back(shared);
    if (!shard->drain_posted) {
      shard->drain_posted = true;
      shard->post([this, s = shard.get()] { drain(*s); });
    }
  }
  return PublishResult::published;
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
  for (const UpdatePtr& update : batch) shard.fanout.dispatch(update);
  shard.fanout.flush();
  batch.clear();  // keeps its capacity: the next swap hands it back to the inbox
}

SubscribeResult Hub::subscribe(std::size_t shard, Subscriber& s, std::string_view last_event_id) {
  SubscribeResult result;
  std::lock_guard lock(mutex_);
  result.replay_from = history_->replay(last_event_id, result.replay);
  // History holds every topic: keep what this subscriber would have received live.
  std::erase_if(result.replay, [&s](const UpdatePtr& u) { return !Fanout::wants(s, *u); });
  result.newest = history_->newest_id();
  shards_[shard]->fanout.add(s, history_->next_seq() - 1);
  return result;
}

void Hub::unsubscribe(std::size_t shard, Subscriber& s) { shards_[shard]->fanout.remove(s); }

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

}  // namespace herald::hub
