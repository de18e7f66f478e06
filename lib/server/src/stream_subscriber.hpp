#pragma once
// Adapts an HTTP stream to the hub: queues shared event frames, writes them once per
// batch, and cuts the subscriber whose queue passes its byte budget (it reconnects with
// Last-Event-ID and history replays what it missed, so memory stays bounded and nothing
// is lost).
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "herald/auth/claims.hpp"
#include "herald/http/stream_sink.hpp"
#include "herald/hub/hub.hpp"
#include "herald/hub/subscriber.hpp"
#include "metrics.hpp"

namespace herald::server {

class StreamSubscriber final : public hub::Subscriber {
 public:
  // `claims`: the verified token of the subscriber, null when anonymous; it decides which
  // private updates this subscriber receives, live and on replay alike.
  StreamSubscriber(std::vector<match::Selector> selectors,
                   std::shared_ptr<const auth::Claims> claims, std::size_t byte_budget,
                   Metrics& metrics);

  void attach(std::shared_ptr<http::StreamSink> sink) { sink_ = std::move(sink); }
  // Registers with `hub` on `shard`; resume() and leave() then speak to it.
  hub::SubscribeResult join(hub::Hub& hub, std::size_t shard, std::string_view last_event_id);
  // The stream wrote what it had queued: a replay waiting for room goes on (the sink's
  // on_proceed).
  void resume() { hub_->replay_room(shard_, *this); }
  // The stream closed: leaves the hub, lets go of the stream, then runs what on_leave()
  // was given. The sink's callbacks call these two through one pointer, so they need no
  // allocation of their own (memory per idle subscriber).
  void leave();
  // The stream owns its subscriber until leave(): the sink's close callback then needs only
  // a plain pointer, which std::function stores without an allocation (a shared_ptr
  // capture it would allocate for).
  void attach_owner(std::shared_ptr<StreamSubscriber> self) { self_ = std::move(self); }
  // What else to undo when the stream closes (the subscriptions API's entry, the token's
  // expiry), for subscriptions that have any; the others hold only a null pointer.
  void on_leave(std::function<void()> undo) {
    on_leave_ = std::make_unique<std::function<void()>>(std::move(undo));
  }
  // Queues a replayed update; the replay's bytes do not count against the live budget.
  void replay(const hub::UpdatePtr& update) override;
  // Room while what waits to be written (behind the write in flight, or since the last
  // flush) is under the budget.
  bool has_replay_room() const override;
  // Queues the herald-reset event (see reset_event.hpp).
  void missed(const hub::Gap& gap) override;

  void deliver(const hub::UpdatePtr& update) override;
  void flush() override;
  const match::SelectorSet* private_grants() const override;

  void set_id(std::uint64_t id) { id_ = id; }

 private:
  std::shared_ptr<http::StreamSink> sink_;
  hub::Hub* hub_ = nullptr;
  std::shared_ptr<StreamSubscriber> self_;  // see attach_owner()
  std::unique_ptr<std::function<void()>> on_leave_;
  std::shared_ptr<const auth::Claims> claims_;
  std::size_t byte_budget_;
  std::size_t replay_bytes_ = 0;
  std::size_t replay_unflushed_ = 0;  // replayed since the last flush
  Metrics& metrics_;
  std::uint64_t id_ = 0;
  // Beside the flag, where a size_t would cost 8 more bytes per subscriber (shards are few).
  std::uint32_t shard_ = 0;
  bool cut_ = false;
};

}  // namespace herald::server
