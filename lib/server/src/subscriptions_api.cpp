// GET /.well-known/mercure/subscriptions[/{topic}[/{subscriber}]] (--subscriptions): the
// active subscriptions as JSON-LD, with the lastEventID from which subscription events
// take over (subscribe with it to miss nothing).
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
    if (rest.front() != '/' || parts.size() == 2) {
      error = "not found";
      return false;
    }
    rest.remove_prefix(1);
    std::string_view raw = rest.substr(0, rest.find('/'));
    rest.remove_prefix(raw.size());
    std::string decoded;
    if (raw.empty() || !form::percent_decode(raw, decoded) || !is_valid_utf8(decoded)) {
      error = "bad path segment: expected a percent-encoded topic selector or subscriber id";
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
  // the same form as the subscription events' topics, so one selector covers both.
  if (!ctx.config.dev) {
    auto who = ctx.auth->identify(request, Role::subscriber);
    if (auto* denial = std::get_if<Denial>(&who)) {
      return exchange.respond(denial_response(*denial));
    }
    const auto& claims = std::get<Identity>(who).claims;
    if (!claims) {
      return exchange.respond(denial_response(
          {401, "the subscriptions API needs a JWT whose mercure.subscribe claim covers " +
                    std::string(path)}));
    }
    if (!claims->subscribe.matches(path)) {
      return exchange.respond(denial_response(ctx.auth->insufficient_scope(
          "the token's subscribe grants do not cover " + std::string(path))));
    }
  }

  SubscriptionRegistry::Snapshot snap = ctx.subscriptions->snapshot();
  if (parts.size() == 2) {
    for (const SubscriptionView& s : snap.subscriptions) {
      if (s.topic != parts[0] || s.subscriber != parts[1]) continue;
      nlohmann::json j = subscription_json(s, true);
      j["lastEventID"] = snap.last_event_id;
      return exchange.respond(json_ld(j));
    }
    return exchange.respond(http::Response::text(404, "no such active subscription"));
  }
  std::vector<SubscriptionView> selected;
  if (parts.empty()) {
    selected = std::move(snap.subscriptions);
  } else {
    auto asked = match::Selector::parse(parts[0], nullptr);
    for (SubscriptionView& s : snap.subscriptions) {
      if (in_collection(asked, parts[0], s.topic)) selected.push_back(std::move(s));
    }
  }
  exchange.respond(json_ld(subscriptions_json(path, snap.last_event_id, selected)));
}

}  // namespace herald::server
