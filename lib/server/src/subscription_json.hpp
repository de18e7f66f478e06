#pragma once
// The documents of Mercure's active-subscription feature: one subscription (the data of a
// subscription event, and the single-subscription API resource) and a collection of them,
// in both generations: JSON-LD as Mercure 0.x hubs write them, and the 1.0 draft's JSON
// ("Active Subscriptions").
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace herald::server {

inline constexpr std::string_view subscriptions_path = "/.well-known/mercure/subscriptions";
inline constexpr std::string_view jsonld_context = "https://mercure.rocks/";

// Percent-encodes everything but RFC 3986 unreserved characters, once, as an RFC 6570
// simple expansion would: a selector such as
// `/.well-known/mercure/subscriptions{/topic}{/subscriber}` then matches the ids below.
std::string escape_segment(std::string_view text);

// `/.well-known/mercure/subscriptions/{topic}/{subscriber}`, each part escaped: the id of
// the subscription, and the topic of its events.
std::string subscription_id(std::string_view topic, std::string_view subscriber);

struct SubscriptionView {
  std::string topic;       // the selector (0.x) or matcher (1.0) the subscriber asked for
  std::string subscriber;  // the hub's id for the subscriber
  bool active = true;
  nlohmann::json payload;  // from its token (see SubscriptionRegistry::add); null when absent
  // 1.0: the matcher type ("exact", "urlpattern"); empty for a 0.x topic selector.
  std::string match_type;
};

// `/.well-known/mercure/subscriptions/{match_type}/{match}/{subscriber}` (1.0), each
// variable escaped once: the id of the subscription, and the topic of its events.
std::string subscription_id_v1(std::string_view match_type, std::string_view match,
                               std::string_view subscriber);

// How a subscription looks to a 1.0 client: its own type, or `exact` for a 0.x selector
// without braces; nullopt for a 0.x URI template, which no 1.0 matcher type expresses.
std::optional<std::string> v1_match_type(const SubscriptionView& s);

// {"@context"?, "id", "type": "Subscription", "subscriber", "topic", "active", "payload"?}
nlohmann::json subscription_json(const SubscriptionView& s, bool with_context);

// {"@context", "id": `id`, "type": "Subscriptions", "lastEventID", "subscriptions": [...]}
nlohmann::json subscriptions_json(std::string_view id, std::string_view last_event_id,
                                  const std::vector<SubscriptionView>& subscriptions);

// 1.0: {"id", "type": "subscription", "match_type", "match", "subscriber", "active",
// "payload"?}, with `match_type` as v1_match_type gives it (the caller skips nullopt).
nlohmann::json subscription_json_v1(const SubscriptionView& s, std::string_view match_type);
// 1.0: {"id": `id`, "type": "subscriptions", "subscriptions": [...]}, the subscriptions a
// 1.0 client can read (see v1_match_type). The cursor goes in the Link header.
nlohmann::json subscriptions_json_v1(std::string_view id,
                                     const std::vector<SubscriptionView>& subscriptions);

}  // namespace herald::server
