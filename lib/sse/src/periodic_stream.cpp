#include "herald/sse/periodic_stream.hpp"

#include <boost/asio/steady_timer.hpp>

#include "herald/sse/sse.hpp"

namespace herald::sse {

namespace {

struct PeriodicStream : std::enable_shared_from_this<PeriodicStream> {
  PeriodicStream(std::shared_ptr<http::StreamSink> s, boost::asio::io_context& io,
                 std::chrono::milliseconds p, std::function<wire::Event()> n)
      : sink(std::move(s)), timer(io), period(p), next(std::move(n)) {}

  void schedule() {
    timer.expires_after(period);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->sink->closed()) return;
      send_event(*self->sink, self->next());
      self->schedule();
    });
  }

  std::shared_ptr<http::StreamSink> sink;
  boost::asio::steady_timer timer;
  std::chrono::milliseconds period;
  std::function<wire::Event()> next;
};

}  // namespace

void stream_periodically(std::shared_ptr<http::StreamSink> sink, boost::asio::io_context& io,
                         std::chrono::milliseconds period, std::function<wire::Event()> next) {
  auto stream = std::make_shared<PeriodicStream>(sink, io, period, std::move(next));
  // Closing the stream cancels the timer, which ends the loop and frees both.
  sink->on_close([weak = std::weak_ptr<PeriodicStream>(stream)] {
    if (auto s = weak.lock()) s->timer.cancel();
  });
  stream->schedule();
}

}  // namespace herald::sse
