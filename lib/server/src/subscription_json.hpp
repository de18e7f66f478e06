#pragma once
// The JSON-LD documents of Mercure's active-subscription feature: one subscription (the
// data of a subscription event, and the single-subscription API resource) and a
// collection of them. Shapes as Mercure 0.x hubs write them.
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
  std::string topic;       // the selector the subscriber asked for
  std::string subscriber;  // the hub's id for the subscriber
  bool active = true;
  nlohmann::json payload;  // mercure.payload of its token; null when absent
};

// {"@context"?, "id", "type": "Subscription", "subscriber", "topic", "active", "payload"?}
nlohmann::json subscription_json(const SubscriptionView& s, bool with_context);

// {"@context", "id": `id`, "type": "Subscriptions", "lastEventID", "subscriptions": [...]}
nlohmann::json subscriptions_json(std::string_view id, std::string_view last_event_id,
                                  const std::vector<SubscriptionView>& subscriptions);

}  // namespace herald::server
