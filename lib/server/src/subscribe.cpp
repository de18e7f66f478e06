// GET /.well-known/mercure: who is asking, parse selectors, register with the hub, replay,
// then stream until the client leaves or its token expires.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "context.hpp"
#include "herald/base/form.hpp"
#include "herald/base/log.hpp"
#include "herald/base/uuid.hpp"
#include "herald/sse/sse.hpp"
#include "stream_subscriber.hpp"

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

// What a subscriber's token contributes to its subscription events.
nlohmann::json payload_of(const auth::Claims* claims) {
  if (claims == nullptr || claims->payload.empty()) return nullptr;
  auto j = nlohmann::json::parse(claims->payload, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

}  // namespace

void handle_subscribe(Context& ctx, const http::Request& request, http::Exchange& exchange) {
  auto fail = [&](int status, std::string_view message) {
    exchange.respond(denial_response({status, std::string(message)}));
  };
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

  std::vector<form::Field> query;
  std::string error;
  form::Limits limits;
  limits.max_fields = ctx.config.max_form_fields;
  if (!form::decode(request.query(), query, error, limits)) return fail(400, error);

  std::vector<match::Selector> selectors;
  std::string last_event_id(request.header("Last-Event-ID"));
  std::string legacy_last_event_id;
  // What this subscription's URI-template selectors cost together: each compiled variable
  // is kept for the subscription's life and walked on every match.
  std::size_t template_bytes = 0;
  std::size_t template_variables = 0;
  for (const form::Field& f : query) {
    if (f.name == "topic") {
      if (selectors.size() >= ctx.config.max_topics_per_request) {
        return fail(400, "too many topic selectors (limit " +
                             std::to_string(ctx.config.max_topics_per_request) + ")");
      }
      if (f.value.size() > ctx.config.max_selector_bytes) {
        return fail(400, "topic selector longer than " +
                             std::to_string(ctx.config.max_selector_bytes) +
                             " bytes (--max-selector-bytes)");
      }
      std::string selector_error;
      auto selector = match::Selector::parse(f.value, &selector_error);
      if (!selector) return fail(400, "bad topic selector: " + selector_error);
      if (const match::UriTemplate* tmpl = selector->uri_template()) {
        template_variables += tmpl->variable_count();
        if (template_variables > ctx.config.max_template_variables) {
          return fail(400, "URI-template selectors with more than " +
                               std::to_string(ctx.config.max_template_variables) +
                               " variables together (--max-template-variables)");
        }
        template_bytes += selector->text().size();
        if (template_bytes > ctx.config.max_template_bytes) {
          return fail(400, "URI-template selectors longer than " +
                               std::to_string(ctx.config.max_template_bytes) +
                               " bytes together (--max-template-bytes)");
        }
      }
      // A selector asked twice means it once; the fan-out index also wants each selector
      // of a subscriber once (removal assumes it).
      if (std::find(selectors.begin(), selectors.end(), *selector) == selectors.end()) {
        selectors.push_back(std::move(*selector));
      }
    } else if (f.name == "lastEventID" && last_event_id.empty()) {
      last_event_id = f.value;  // the header wins: it is what a reconnecting browser sends
    } else if (f.name == "Last-Event-ID") {
      legacy_last_event_id = f.value;  // older Mercure clients' spelling
    }
  }
  if (last_event_id.empty()) last_event_id = std::move(legacy_last_event_id);
  if (selectors.empty()) return fail(400, "missing topic: give at least one topic parameter");

  std::vector<std::string> topics;  // for subscription events
  if (ctx.subscriptions != nullptr) {
    for (const match::Selector& s : selectors)
      topics.push_back(s.text());
  }
  auto subscriber = std::make_shared<StreamSubscriber>(std::move(selectors), identity.claims,
                                                       ctx.config.subscriber_buffer, *ctx.metrics);
  subscriber->set_id(request.connection_id);
  hub::SubscribeResult result = subscriber->join(*ctx.hub, request.shard, last_event_id);

  // Registered before the response head goes out (open_stream writes it at once), so a
  // client that saw its stream open also sees itself in the subscriptions API.
  std::string subscriber_id;  // stays empty (no allocation) without --subscriptions
  if (ctx.subscriptions != nullptr) {
    subscriber_id = random_urn_uuid();
    ctx.subscriptions->add(subscriber_id, std::move(topics), payload_of(identity.claims.get()));
  }

  std::vector<http::Header> headers = sse::sse_headers();
  if (result.newest) headers.push_back({"Last-Event-ID", *result.newest});
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
