#pragma once
// Active subscriptions across all shards (--subscriptions): what the subscriptions API
// lists, and the subscription events published when a subscriber comes and goes. One
// lock orders both, so a listing's lastEventID splits the events cleanly: every event up
// to it is reflected in the listing, every later one comes after it in history.
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "herald/cluster/redis_history.hpp"
#include "herald/hub/hub.hpp"
#include "subscription_json.hpp"

namespace herald::server {

class SubscriptionRegistry {
 public:
  // `cluster`: the node's Redis history (--store redis://), in which every node lists its
  // subscribers so that any node answers for all, and through which this node publishes
  // the "inactive" events of departed nodes' subscribers; null on a hub of its own. The
  // registry must outlive the cluster's thread (the hub).
  SubscriptionRegistry(hub::Hub& hub, cluster::RedisHistory* cluster);

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
  // This hub's subscribers (a hub that is not shared: all of them).
  Snapshot snapshot() const;
  // Whether the listing is the cluster's, read with shared_snapshot().
  bool is_shared() const { return cluster_ != nullptr; }
  // Every node's subscribers, from Redis; `done` runs on another thread, with none and
  // the reason when Redis cannot answer. The cluster's listing is not split cleanly by
  // its lastEventID (this node's newest id): another node's subscriber may have come or
  // gone a moment before or after.
  using SharedDone = std::function<void(std::optional<Snapshot>, const std::string& error)>;
  void shared_snapshot(SharedDone done) const;

 private:
  using Entry = std::vector<Subscription>;
  // Called with mutex_ held.
  void publish_events(const std::string& subscriber, const Entry& entry, bool active);
  // The cluster handed this node the subscribers of departed nodes (their listed values).
  void publish_departed(const std::vector<std::string>& values);
  // This node was taken for departed: its subscribers are active again.
  void publish_reinstated();

  hub::Hub& hub_;
  cluster::RedisHistory* cluster_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace herald::server
