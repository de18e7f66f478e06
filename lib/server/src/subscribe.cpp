// GET /.well-known/mercure: parse selectors, register with the hub, replay, then stream.
#include "context.hpp"
#include "herald/base/form.hpp"
#include "herald/base/log.hpp"
#include "herald/server/sse.hpp"
#include "stream_subscriber.hpp"

namespace herald::server {

namespace {

const char* describe(hub::ReplayFrom from) {
  switch (from) {
    case hub::ReplayFrom::none: return "none";
    case hub::ReplayFrom::after_id: return "after-id";
    case hub::ReplayFrom::earliest: return "earliest";
    case hub::ReplayFrom::unknown: return "unknown-id-replayed-all";
  }
  return "none";
}

}  // namespace

void handle_subscribe(Context& ctx, const http::Request& request, http::Exchange& exchange) {
  auto fail = [&](int status, std::string_view message) {
    exchange.respond(http::Response::text(status, message));
  };
  std::vector<form::Field> query;
  std::string error;
  if (!form::decode(request.query(), query, error)) return fail(400, error);

  std::vector<hub::Selector> selectors;
  std::string last_event_id(request.header("Last-Event-ID"));
  for (const form::Field& f : query) {
    if (f.name == "topic") {
      if (selectors.size() >= ctx.config.max_topics_per_request) {
        return fail(400, "too many topic selectors (limit " +
                             std::to_string(ctx.config.max_topics_per_request) + ")");
      }
      std::string selector_error;
      auto selector = hub::Selector::parse(f.value, &selector_error);
      if (!selector) return fail(400, "bad topic selector: " + selector_error);
      selectors.push_back(std::move(*selector));
    } else if (f.name == "lastEventID" && last_event_id.empty()) {
      last_event_id = f.value;  // the header wins: it is what a reconnecting browser sends
    }
  }
  if (selectors.empty()) return fail(400, "missing topic: give at least one topic parameter");

  auto& io = ctx.http->context(request.shard);
  auto subscriber = std::make_shared<StreamSubscriber>(std::move(selectors),
                                                       ctx.config.subscriber_buffer, io,
                                                       *ctx.metrics);
  subscriber->set_id(request.connection_id);
  hub::SubscribeResult result = ctx.hub->subscribe(request.shard, *subscriber, last_event_id);

  std::vector<http::Header> headers = sse_headers();
  if (result.newest) headers.push_back({"Last-Event-ID", *result.newest});
  auto sink = exchange.open_stream("text/event-stream", std::move(headers));
  subscriber->attach(sink);
  log::info("subscribed", {{"conn", std::to_string(request.connection_id)},
                           {"shard", std::to_string(request.shard)},
                           {"replay", describe(result.replay_from)},
                           {"replayed", std::to_string(result.replay.size())}});
  if (!result.replay.empty()) {
    ctx.metrics->replayed.fetch_add(result.replay.size(), std::memory_order_relaxed);
    subscriber->replay(result.replay);
    sink->flush();
  }
  // The stream owns the subscriber until it closes, then the hub forgets it. The callback
  // is cleared after it runs, which breaks the sink <-> subscriber cycle.
  sink->on_close([hub = ctx.hub, shard = request.shard, subscriber] {
    hub->unsubscribe(shard, *subscriber);
    subscriber->attach(nullptr);
  });
}

}  // namespace herald::server
