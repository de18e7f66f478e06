// /metrics (Prometheus), /readyz, and /dashboard/stream (the dashboard's metrics feed).
#include "context.hpp"
#include "herald/sse/periodic_stream.hpp"
#include "herald/sse/sse.hpp"

namespace herald::server {

void handle_metrics(Context& ctx, const http::Request&, http::Exchange& exchange) {
  http::Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = render_prometheus(*ctx.metrics, *ctx.hub, *ctx.http, ctx.cluster);
  exchange.respond(std::move(r));
}

void handle_ready(Context& ctx, const http::Request&, http::Exchange& exchange) {
  // The history answers under the hub's lock: a wedged store would block here. A shared
  // history (Redis) is not ready while it cannot keep a publish.
  const hub::History::Availability available = ctx.hub->availability();
  if (!available.appends) {
    return exchange.respond(http::Response::text(503, "not ready: " + available.reason));
  }
  exchange.respond(http::Response::text(200, "ready"));
}

void handle_dashboard_stream(Context& ctx, const http::Request& request, http::Exchange& exchange) {
  auto sink = exchange.open_stream("text/event-stream", sse::sse_headers());
  auto previous = std::make_shared<LatencyHistogram::Counts>(ctx.metrics->publish_latency.counts());
  auto snapshot = [&ctx, previous] {
    return wire::Event{.type = "metrics",
                       .data = snapshot_json(*ctx.metrics, *ctx.hub, *ctx.http, *previous)};
  };
  sse::send_event(*sink, snapshot());
  sse::stream_periodically(sink, ctx.http->context(request.shard), std::chrono::seconds(1),
                           snapshot);
}

}  // namespace herald::server
