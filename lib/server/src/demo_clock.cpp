// GET /demo/clock (only with --dev): the classic SSE clock, for the demo page.
#include <ctime>

#include "context.hpp"
#include "herald/sse/periodic_stream.hpp"
#include "herald/sse/sse.hpp"

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

}  // namespace

void handle_clock(Context& ctx, const http::Request& request, http::Exchange& exchange) {
  auto sink = exchange.open_stream("text/event-stream", sse::sse_headers());
  sse::send_event(*sink, wire::Event{.type = "connecttime", .data = now_text(), .retry = 10000});
  sse::stream_periodically(sink, ctx.http->context(request.shard), std::chrono::seconds(1),
                           [] { return wire::Event{.data = now_text()}; });
}

}  // namespace herald::server
