// GET (or QUERY) /.well-known/mercure: who is asking, read the request under the rules of
// its Mercure generation, register with the hub, replay, then stream until the client
// leaves or its token expires.
#include <algorithm>
#include <chrono>
#include <future>
#include <memory>

#include <nlohmann/json.hpp>

#include "context.hpp"
#include "herald/base/log.hpp"
#include "herald/base/strings.hpp"
#include "herald/base/uuid.hpp"
#include "herald/sse/sse.hpp"
#include "stream_subscriber.hpp"
#include "subscribe_request.hpp"

namespace herald::server {

namespace {

const char* describe(hub::ReplayFrom from) {
  switch (from) {
    case hub::ReplayFrom::none:
      return "none";
    case hub::ReplayFrom::after_id:
      return "after-id";
    case hub::ReplayFrom::earliest:
      return "earliest";
    case hub::ReplayFrom::unknown:
      return "unknown-id-replayed-all";
  }
  return "none";
}

// The payload a subscription's events carry: 0.x, the token's `mercure.payload`; 1.0, that
// of the first subscribe detail whose topics match the subscription's own matcher, read as
// if it were a topic (the draft's "Payloads").
nlohmann::json payload_of(const auth::Claims* claims, const RequestedMatcher& m) {
  if (claims == nullptr) return nullptr;
  const std::string* text = nullptr;
  if (claims->generation == auth::TokenGeneration::mercure_0x) {
    if (!claims->payload.empty()) text = &claims->payload;
  } else {
    for (const auth::Claims::SubscribeDetail& d : claims->subscribe_details) {
      if (!d.topics.matches(m.selector.text())) continue;
      if (d.payload) text = &*d.payload;
      break;
    }
  }
  if (text == nullptr) return nullptr;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

// A subscribe request's parameters may come in a form body (1.0: QUERY, or a GET with one),
// for matcher lists too long for a URL.
std::optional<std::string_view> form_body(const http::Request& request, std::string& error) {
  if (request.body.empty()) return std::nullopt;
  std::string_view type = request.header("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ')
    type.remove_suffix(1);
  if (!iequals(type, "application/x-www-form-urlencoded")) {
    error = "a subscribe request's body must be application/x-www-form-urlencoded";
    return std::nullopt;
  }
  return std::string_view(request.body);
}

// In a cluster each node reads the shared stream on its own, so the event a client last
// saw on another node may not have reached this one yet. Before a resume from an id this
// node does not hold, wait (briefly: it blocks this shard) until the node has read what
// Redis held at this moment; an id still unknown then is really gone (or never was).
// cannot_tell when the node does not hold the id and cannot tell whether it is gone (Redis
// out of reach, or slower than the wait).
constexpr std::chrono::milliseconds kResumeCatchUpWait{250};

enum class ResumeCheck { go_ahead, cannot_tell };

ResumeCheck catch_up_before_resume(hub::Hub& hub, std::string_view last_event_id) {
  if (!hub.is_shared() || last_event_id.empty() || hub.holds(last_event_id)) {
    return ResumeCheck::go_ahead;
  }
  auto caught_up = std::make_shared<std::promise<bool>>();
  std::future<bool> done = caught_up->get_future();
  hub.catch_up([caught_up](bool ok) { caught_up->set_value(ok); });
  if (done.wait_for(kResumeCatchUpWait) == std::future_status::ready && done.get()) {
    return ResumeCheck::go_ahead;
  }
  // The tail may have brought the id in during the wait, even when the catch-up failed.
  return hub.holds(last_event_id) ? ResumeCheck::go_ahead : ResumeCheck::cannot_tell;
}

}  // namespace

void handle_subscribe(Context& ctx, const http::Request& request, http::Exchange& exchange) {
  auto fail = [&](int status, std::string_view message) {
    exchange.respond(denial_response({status, std::string(message)}));
  };
  if (hub::History::Availability available = ctx.hub->availability(); !available.subscribes) {
    http::Response unavailable = denial_response({503, "not subscribed: " + available.reason});
    unavailable.headers.push_back({"Retry-After", "1"});
    return exchange.respond(std::move(unavailable));
  }
  auto who = ctx.auth->identify(request, Role::subscriber);
  if (auto* denial = std::get_if<Denial>(&who)) return exchange.respond(denial_response(*denial));
  Identity identity = std::move(std::get<Identity>(who));
  if (identity.anonymous() && !ctx.anonymous_subscribers()) {
    return exchange.respond(denial_response(ctx.auth->no_token(
        ctx.auth->has_key(Role::subscriber)
            ? "subscribing needs a token (Authorization: Bearer, the cookie, or for 0.x JWTs "
              "the authorization query parameter); this hub is not --anonymous"
            : "anonymous subscriptions are off and no subscriber key is configured (start the "
              "hub with --anonymous, --subscriber-jwt-key or --jwt-issuer)")));
  }

  std::string body_error;
  std::optional<std::string_view> body = form_body(request, body_error);
  if (!body_error.empty()) return fail(415, body_error);
  SubscribeInput input{request.query(), body, request.header("Last-Event-ID"),
                       request.has_header("Last-Event-ID")};
  auto read = read_subscribe_request(input, ctx.config, ctx.hub_url);
  if (auto* refusal = std::get_if<SubscribeRefusal>(&read)) {
    return fail(refusal->status, refusal->message);
  }
  SubscribeRequest asked = std::move(std::get<SubscribeRequest>(read));
  if (identity.claims && identity.claims->generation != asked.generation) {
    return fail(400, "this request mixes Mercure generations: a " +
                         std::string(auth::to_string(identity.claims->generation)) +
                         " token with " + std::string(auth::to_string(asked.generation)) +
                         " subscription parameters (0.x: topic= with a mercure-claim JWT; 1.0: "
                         "match= with an at+jwt access token)");
  }

  std::vector<SubscriptionRegistry::Subscription> subscriptions;  // for subscription events
  if (ctx.subscriptions != nullptr) {
    for (const RequestedMatcher& m : asked.matchers) {
      subscriptions.push_back(
          {m.selector.text(), m.match_type, payload_of(identity.claims.get(), m)});
    }
  }
  std::vector<match::Selector> selectors;
  selectors.reserve(asked.matchers.size());
  for (RequestedMatcher& m : asked.matchers)
    selectors.push_back(std::move(m.selector));
  const std::string& last_event_id = asked.last_event_id;
  auto subscriber = std::make_shared<StreamSubscriber>(std::move(selectors), identity.claims,
                                                       ctx.config.subscriber_buffer, *ctx.metrics);
  subscriber->set_id(request.connection_id);
  if (catch_up_before_resume(*ctx.hub, last_event_id) == ResumeCheck::cannot_tell) {
    // Not "history no longer holds it" (herald-reset, then everything): another node may
    // have delivered it and this one cannot read the stream now. The client asks again.
    http::Response unavailable = denial_response(
        {503,
         "cannot resume from this Last-Event-ID now: this node has not read it and cannot "
         "reach Redis to read on; retry"});
    unavailable.headers.push_back({"Retry-After", "1"});
    return exchange.respond(std::move(unavailable));
  }
  hub::SubscribeResult result = subscriber->join(*ctx.hub, request.shard, last_event_id);

  // Registered before the response head goes out (open_stream writes it at once), so a
  // client that saw its stream open also sees itself in the subscriptions API.
  std::string subscriber_id;  // stays empty (no allocation) without --subscriptions
  if (ctx.subscriptions != nullptr) {
    subscriber_id = random_urn_uuid();
    ctx.subscriptions->add(subscriber_id, std::move(subscriptions));
  }

  std::vector<http::Header> headers = sse::sse_headers();
  if (asked.generation == auth::TokenGeneration::mercure_0x) {
    if (result.newest) headers.push_back({"Last-Event-ID", *result.newest});
  } else if (asked.has_last_event_id) {
    // The id preceding the first event sent: the one asked for when history holds it,
    // else `earliest` (all held is replayed). A client that compares it with what it asked
    // for learns of a loss (browsers, which cannot read it, get herald-reset in band).
    headers.push_back({"Mercure-Last-Event-ID", result.replay_from == hub::ReplayFrom::after_id
                                                    ? last_event_id
                                                    : std::string("earliest")});
  }
  auto sink = exchange.open_stream("text/event-stream", std::move(headers));
  subscriber->attach(sink);
  // A replay stops at the subscriber's budget and goes on as its stream drains. The sink
  // calls this only while open, and the subscriber lives until the sink's close callback.
  sink->on_proceed([s = subscriber.get()] { s->resume(); });
  log::info("subscribed", {{"conn", std::to_string(request.connection_id)},
                           {"shard", std::to_string(request.shard)},
                           {"token", std::string(auth::to_string(identity.source))},
                           {"replay", describe(result.replay_from)}});

  // A stream lives no longer than its token.
  std::optional<TokenExpiry::Clock::time_point> expires;
  TokenExpiry* expiry = ctx.expiry[request.shard];
  if (identity.claims && identity.claims->expires_at) {
    expires = TokenExpiry::to_steady(*identity.claims->expires_at);
    expiry->add(*expires, sink);
  }

  if (expires || ctx.subscriptions != nullptr) {
    subscriber->on_leave([registry = ctx.subscriptions, id = sink->id(), expiry, expires,
                          subscriber_id = std::move(subscriber_id)] {
      if (expires) expiry->remove(*expires, id);
      if (registry != nullptr) registry->remove(subscriber_id);
    });
  }
  // The stream owns the subscriber until it closes, then the hub forgets it.
  subscriber->attach_owner(subscriber);
  sink->on_close([s = subscriber.get()] { s->leave(); });
}

}  // namespace herald::server
