#pragma once
// Adapts an HTTP stream to the hub: queues shared event frames, writes them once per
// batch, and cuts the subscriber whose queue passes its byte budget (it reconnects with
// Last-Event-ID and history replays what it missed, so memory stays bounded and nothing
// is lost).
#include <memory>

#include <boost/asio/io_context.hpp>

#include "herald/auth/claims.hpp"
#include "herald/http/stream_sink.hpp"
#include "herald/hub/subscriber.hpp"
#include "metrics.hpp"

namespace herald::server {

class StreamSubscriber final : public hub::Subscriber {
 public:
  // `claims`: the verified token of the subscriber, null when anonymous; it decides which
  // private updates this subscriber receives, live and on replay alike.
  StreamSubscriber(std::vector<hub::Selector> selectors, std::shared_ptr<const auth::Claims> claims,
                   std::size_t byte_budget, boost::asio::io_context& io, Metrics& metrics);

  void attach(std::shared_ptr<http::StreamSink> sink) { sink_ = std::move(sink); }
  // Queues a replayed update; the replay's bytes do not count against the live budget.
  void replay(const hub::UpdatePtr& update) override;
  // Room while what waits to be written (behind the write in flight, or since the last
  // flush) is under the budget.
  bool has_replay_room() const override;

  void deliver(const hub::UpdatePtr& update) override;
  void flush() override;
  bool may_receive_private(const hub::Update& update) const override;

  void set_id(std::uint64_t id) { id_ = id; }

 private:
  std::shared_ptr<http::StreamSink> sink_;
  std::shared_ptr<const auth::Claims> claims_;
  std::size_t byte_budget_;
  std::size_t replay_bytes_ = 0;
  std::size_t replay_unflushed_ = 0;  // replayed since the last flush
  boost::asio::io_context& io_;
  Metrics& metrics_;
  std::uint64_t id_ = 0;
  bool cut_ = false;
};

}  // namespace herald::server
