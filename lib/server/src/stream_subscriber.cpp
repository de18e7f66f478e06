#include "stream_subscriber.hpp"

#include <algorithm>

#include "herald/base/log.hpp"
#include "reset_event.hpp"

namespace herald::server {

StreamSubscriber::StreamSubscriber(std::vector<match::Selector> selectors,
                                   std::shared_ptr<const auth::Claims> claims,
                                   std::size_t byte_budget, Metrics& metrics)
    : hub::Subscriber(std::move(selectors)),
      claims_(std::move(claims)),
      byte_budget_(byte_budget),
      metrics_(metrics) {}

hub::SubscribeResult StreamSubscriber::join(hub::Hub& hub, std::size_t shard,
                                            std::string_view last_event_id) {
  hub_ = &hub;
  shard_ = static_cast<std::uint32_t>(shard);
  return hub.subscribe(shard, *this, last_event_id);
}

void StreamSubscriber::leave() {
  std::shared_ptr<StreamSubscriber> keep = std::move(self_);  // freed when this returns
  hub_->unsubscribe(shard_, *this);
  sink_ = nullptr;  // the sink and this subscriber held each other: the cycle ends here
  if (std::unique_ptr<std::function<void()>> undo = std::move(on_leave_)) (*undo)();
}

static http::SharedBytes frame_of(const hub::UpdatePtr& update) {
  // Aliasing the update's own refcount: no copy of the bytes, no allocation.
  return {update, update->frame};
}

void StreamSubscriber::replay(const hub::UpdatePtr& update) {
  if (cut_ || !sink_) return;
  metrics_.replayed.fetch_add(1, std::memory_order_relaxed);
  replay_bytes_ += update->frame.size();
  replay_unflushed_ += update->frame.size();
  sink_->write(frame_of(update));
}

bool StreamSubscriber::has_replay_room() const {
  // queued_bytes() counts what waits behind a write in flight (this replay's unflushed
  // bytes included); with none in flight it says 0, and what was replayed since the last
  // flush is what will be written next.
  return !cut_ && sink_ && !sink_->closed() &&
         std::max(sink_->queued_bytes(), replay_unflushed_) < byte_budget_;
}

void StreamSubscriber::missed(const hub::Gap& gap) {
  if (cut_ || !sink_) return;
  metrics_.resets.fetch_add(1, std::memory_order_relaxed);
  auto frame = std::make_shared<const std::string>(reset_frame(gap));
  const std::string_view bytes = *frame;
  sink_->write({std::move(frame), bytes});
}

void StreamSubscriber::deliver(const hub::UpdatePtr& update) {
  if (cut_ || !sink_) return;
  std::size_t queued = sink_->queued_bytes();
  if (replay_bytes_ > 0 && queued == 0) replay_bytes_ = 0;  // the replay has been written
  if (queued > byte_budget_ + replay_bytes_) {
    cut_ = true;
    metrics_.subscribers_cut.fetch_add(1, std::memory_order_relaxed);
    log::warn("subscriber cut", {{"conn", std::to_string(id_)},
                                 {"queued", std::to_string(queued)},
                                 {"budget", std::to_string(byte_budget_)}});
    // Not now: the fan-out is iterating its subscriber lists, and the close would
    // unsubscribe from them.
    sink_->abort_later();
    return;
  }
  sink_->write(frame_of(update));
}

void StreamSubscriber::flush() {
  replay_unflushed_ = 0;
  if (!cut_ && sink_) sink_->flush();
}

const match::SelectorSet* StreamSubscriber::private_grants() const {
  // The token's subscribe selectors (mercure.subscribe, or the 1.0 grants); anonymous
  // subscribers (no claims) have none. The claims are immutable and held for life, as
  // the hub requires.
  return claims_ ? &claims_->subscribe : nullptr;
}

}  // namespace herald::server
