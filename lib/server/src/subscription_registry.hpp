#pragma once
// Active subscriptions across all shards (--subscriptions): what the subscriptions API
// lists, and the subscription events published when a subscriber comes and goes. One
// lock orders both, so a listing's lastEventID splits the events cleanly: every event up
// to it is reflected in the listing, every later one comes after it in history.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "herald/hub/hub.hpp"
#include "subscription_json.hpp"

namespace herald::server {

class SubscriptionRegistry {
 public:
  explicit SubscriptionRegistry(hub::Hub& hub) : hub_(hub) {}

  // One subscription of a subscriber: its selector or matcher text, its 1.0 matcher type
  // (empty: 0.x) and the payload its token gives it.
  struct Subscription {
    std::string topic;
    std::string match_type;
    nlohmann::json payload;
  };
  // Registers a subscriber's subscriptions (distinct) and publishes one private "active"
  // event for each, shaped for its generation: 0.x JSON-LD, or the 1.0 document under the
  // reserved `mercure` event type. `subscriber` must be unique (the hub generates it).
  void add(const std::string& subscriber, std::vector<Subscription> subscriptions);
  // Forgets the subscriber and publishes its "inactive" events.
  void remove(const std::string& subscriber);

  struct Snapshot {
    std::string last_event_id;  // "earliest" while the history is empty
    std::vector<SubscriptionView> subscriptions;
  };
  Snapshot snapshot() const;

 private:
  using Entry = std::vector<Subscription>;
  // Called with mutex_ held.
  void publish_events(const std::string& subscriber, const Entry& entry, bool active);

  hub::Hub& hub_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace herald::server
