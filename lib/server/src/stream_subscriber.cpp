#include "stream_subscriber.hpp"

#include <boost/asio/post.hpp>

#include "herald/auth/authorize.hpp"
#include "herald/base/log.hpp"

namespace herald::server {

StreamSubscriber::StreamSubscriber(std::vector<hub::Selector> selectors,
                                   std::shared_ptr<const auth::Claims> claims,
                                   std::size_t byte_budget, boost::asio::io_context& io,
                                   Metrics& metrics)
    : hub::Subscriber(std::move(selectors)),
      claims_(std::move(claims)),
      byte_budget_(byte_budget),
      io_(io),
      metrics_(metrics) {}

static http::SharedBytes frame_of(const hub::UpdatePtr& update) {
  // Aliasing the update's own refcount: no copy of the bytes, no allocation.
  return {update, update->frame};
}

void StreamSubscriber::replay(const std::vector<hub::UpdatePtr>& updates) {
  if (cut_ || !sink_) return;
  metrics_.replayed.fetch_add(updates.size(), std::memory_order_relaxed);
  for (const hub::UpdatePtr& u : updates) {
    replay_bytes_ += u->frame.size();
    sink_->write(frame_of(u));
  }
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
    // Not now: the fan-out is iterating its subscriber lists.
    boost::asio::post(io_, [sink = sink_] { sink->abort(); });
    return;
  }
  sink_->write(frame_of(update));
}

void StreamSubscriber::flush() {
  if (!cut_ && sink_) sink_->flush();
}

bool StreamSubscriber::may_receive_private(const hub::Update& update) const {
  // One of the update's topics must match a mercure.subscribe selector; anonymous
  // subscribers (no claims) never qualify.
  return auth::can_receive(claims_.get(), update.topics, true);
}

}  // namespace herald::server
