// GET /.well-known/mercure/subscriptions[...] (--subscriptions): the active subscriptions,
// with the cursor from which subscription events take over (subscribe with it to miss
// nothing). In the generation the client speaks: 0.x, /subscriptions[/{topic}[/{subscriber}]]
// as JSON-LD with a lastEventID member; 1.0,
// /subscriptions[/{match_type}/{match}[/{subscriber}]] as JSON with the cursor in the
// Link header's last-event-id.
#include "context.hpp"
#include "herald/base/form.hpp"
#include "herald/base/utf8.hpp"
#include "herald/server/discovery.hpp"

namespace herald::server {

namespace {

// The path after the collection's: "" (all), "/{topic}" or "/{topic}/{subscriber}", each
// part percent-encoded once. Returns false for any other shape.
bool split_path(std::string_view rest, std::vector<std::string>& parts, std::string& error) {
  while (!rest.empty()) {
    if (rest.front() != '/' || parts.size() == 3) {
      error = "not found";
      return false;
    }
    rest.remove_prefix(1);
    std::string_view raw = rest.substr(0, rest.find('/'));
    rest.remove_prefix(raw.size());
    std::string decoded;
    if (raw.empty() || !form::percent_decode(raw, decoded) || !is_valid_utf8(decoded)) {
      error =
          "bad path segment: expected a percent-encoded matcher, topic selector or subscriber id";
      return false;
    }
    parts.push_back(std::move(decoded));
  }
  return true;
}

// Whether a subscription to `subscribed` belongs in the collection for `asked`: the same
// selector, or one that `asked` (itself a selector) matches, as in Mercure.
bool in_collection(const std::optional<match::Selector>& asked, std::string_view asked_text,
                   std::string_view subscribed) {
  return subscribed == asked_text || (asked && asked->matches(subscribed));
}

http::Response json_ld(const nlohmann::json& document) {
  http::Response r;
  r.content_type = "application/ld+json";
  r.body = document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers.push_back({"Cache-Control", "must-revalidate"});
  r.headers.push_back(mercure_link("/.well-known/mercure"));
  return r;
}

// 1.0: the cursor in the Link header, so a single subscription's body is exactly the
// document of its events.
http::Response json_v1(const nlohmann::json& document, std::string_view last_event_id) {
  http::Response r;
  r.content_type = "application/json";
  r.body = document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers.push_back({"Cache-Control", "must-revalidate"});
  std::string etag;  // appended piece by piece: g++ -O3 warns (falsely) on a + b + c here
  etag.reserve(last_event_id.size() + 2);
  etag += '"';
  etag += last_event_id;
  etag += '"';
  r.headers.push_back({"ETag", std::move(etag)});
  r.headers.push_back(mercure_link(
      "/.well-known/mercure",
      {.last_event_id = last_event_id, .type = "mercure", .content_type = "application/json"}));
  return r;
}

http::Response respond_v0(const SubscriptionRegistry::Snapshot& snap, std::string_view path,
                          const std::vector<std::string>& parts) {
  if (parts.size() == 2) {
    for (const SubscriptionView& s : snap.subscriptions) {
      if (s.topic != parts[0] || s.subscriber != parts[1]) continue;
      nlohmann::json j = subscription_json(s, true);
      j["lastEventID"] = snap.last_event_id;
      return json_ld(j);
    }
    return http::Response::text(404, "no such active subscription");
  }
  std::vector<SubscriptionView> selected;
  if (parts.empty()) {
    selected = snap.subscriptions;
  } else {
    auto asked = match::Selector::parse(parts[0], nullptr);
    for (const SubscriptionView& s : snap.subscriptions) {
      if (in_collection(asked, parts[0], s.topic)) selected.push_back(s);
    }
  }
  return json_ld(subscriptions_json(path, snap.last_event_id, selected));
}

http::Response respond_v1(const SubscriptionRegistry::Snapshot& snap, std::string_view path,
                          const std::vector<std::string>& parts) {
  if (parts.size() == 1 || (!parts.empty() && parts[0] != "exact" && parts[0] != "urlpattern")) {
    return http::Response::text(
        404,
        "not found (1.0: /.well-known/mercure/subscriptions[/{match_type}/{match}[/"
        "{subscriber}]], match_type exact or urlpattern)");
  }
  std::vector<SubscriptionView> selected;
  for (const SubscriptionView& s : snap.subscriptions) {
    auto type = v1_match_type(s);
    if (!type) continue;
    if (parts.size() >= 2 && (*type != parts[0] || s.topic != parts[1])) continue;
    if (parts.size() == 3) {
      if (s.subscriber != parts[2]) continue;
      return json_v1(subscription_json_v1(s, *type), snap.last_event_id);
    }
    selected.push_back(s);
  }
  if (parts.size() == 3) {
    return http::Response::text(404, "no such active subscription");
  }
  return json_v1(subscriptions_json_v1(path, selected), snap.last_event_id);
}

}  // namespace

void handle_subscriptions(Context& ctx, const http::Request& request, http::Exchange& exchange) {
  if (ctx.subscriptions == nullptr) {
    return exchange.respond(http::Response::text(
        404, "the subscriptions API is off (start the hub with --subscriptions)"));
  }
  if (request.method != "GET" && request.method != "HEAD") {
    return exchange.respond(http::Response::text(405, "use GET"));
  }
  std::string_view path = request.path();
  std::vector<std::string> parts;
  std::string error;
  if (!split_path(path.substr(subscriptions_path.size()), parts, error)) {
    return exchange.respond(http::Response::text(error == "not found" ? 404 : 400, error));
  }

  // The requested path, as sent, is the topic the token must be allowed to subscribe to:
  // the same form as the subscription events' topics, so one matcher covers both.
  std::shared_ptr<const auth::Claims> claims;
  if (!ctx.config.dev) {
    auto who = ctx.auth->identify(request, Role::subscriber);
    if (auto* denial = std::get_if<Denial>(&who)) {
      return exchange.respond(denial_response(*denial));
    }
    claims = std::get<Identity>(who).claims;
    if (!claims) {
      return exchange.respond(denial_response(
          ctx.auth->no_token("the subscriptions API needs a token whose subscribe grants cover " +
                             std::string(path))));
    }
  }
  // The generation of the token, else (--dev) of the path's shape (a 1.0 path names a
  // matcher type first), else of the hub.
  const bool v1_path =
      parts.size() == 3 || (parts.size() == 2 && (parts[0] == "exact" || parts[0] == "urlpattern"));
  const bool v1 = claims ? claims->generation == auth::TokenGeneration::mercure_1
                         : v1_path || !ctx.config.speaks_v0();
  if (!v1 && parts.size() == 3) return exchange.respond(http::Response::text(404, "not found"));
  if (claims && !claims->subscribe.matches(path)) {
    return exchange.respond(denial_response(ctx.auth->insufficient_scope(
        "the token's subscribe grants do not cover " + std::string(path))));
  }
  if (!ctx.subscriptions->is_shared()) {
    const SubscriptionRegistry::Snapshot snap = ctx.subscriptions->snapshot();
    return exchange.respond(v1 ? respond_v1(snap, path, parts) : respond_v0(snap, path, parts));
  }
  // A cluster's listing is read from Redis: answered when it comes.
  ctx.subscriptions->shared_snapshot(
      [late = exchange.respond_later(), path = std::string(path), parts = std::move(parts), v1](
          std::optional<SubscriptionRegistry::Snapshot> snap, const std::string& error) {
        if (!snap) {
          http::Response unavailable =
              http::Response::text(503, "the cluster's subscriptions cannot be read now: " + error);
          unavailable.headers.push_back({"Retry-After", "1"});
          return late->respond(std::move(unavailable));
        }
        late->respond(v1 ? respond_v1(*snap, path, parts) : respond_v0(*snap, path, parts));
      });
}

}  // namespace herald::server
