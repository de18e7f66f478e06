// GET /demo/clock (only with --dev): the classic SSE clock, for the demo page.
#include <chrono>
#include <ctime>

#include <boost/asio/steady_timer.hpp>

#include "context.hpp"
#include "herald/server/sse.hpp"

namespace herald::server {

namespace {

std::string now_text() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

void tick(std::shared_ptr<http::StreamSink> sink, std::shared_ptr<boost::asio::steady_timer> timer) {
  timer->expires_after(std::chrono::seconds(1));
  timer->async_wait([sink, timer](boost::system::error_code ec) {
    if (ec || sink->closed()) return;
    send_event(*sink, wire::Event{.data = now_text()});
    tick(sink, timer);
  });
}

}  // namespace

void handle_clock(Context& ctx, const http::Request& request, http::Exchange& exchange) {
  std::vector<http::Header> headers = sse_headers();
  ctx.cors.decorate(request, headers);
  auto sink = exchange.open_stream("text/event-stream", std::move(headers));
  send_event(*sink, wire::Event{.type = "connecttime", .data = now_text(), .retry = 10000});
  auto timer = std::make_shared<boost::asio::steady_timer>(ctx.http->context(request.shard));
  // The timer dies with the stream: cancelling it ends the tick loop.
  sink->on_close([timer] { timer->cancel(); });
  tick(sink, timer);
}

}  // namespace herald::server
