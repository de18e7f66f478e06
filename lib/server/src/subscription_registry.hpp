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

  // Registers a subscriber's selectors and publishes one private "active" event per
  // selector. `subscriber` must be unique (the hub generates it).
  void add(const std::string& subscriber, std::vector<std::string> topics, nlohmann::json payload);
  // Forgets the subscriber and publishes its "inactive" events.
  void remove(const std::string& subscriber);

  struct Snapshot {
    std::string last_event_id;  // "earliest" while the history is empty
    std::vector<SubscriptionView> subscriptions;
  };
  Snapshot snapshot() const;

 private:
  struct Entry {
    std::vector<std::string> topics;
    nlohmann::json payload;
  };
  // Called with mutex_ held.
  void publish_events(const std::string& subscriber, const Entry& entry, bool active);

  hub::Hub& hub_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace herald::server
