#include "subscription_registry.hpp"

#include <algorithm>

#include "herald/base/uuid.hpp"
#include "herald/wire/serializer.hpp"

namespace herald::server {

void SubscriptionRegistry::add(const std::string& subscriber, std::vector<std::string> topics,
                               nlohmann::json payload) {
  // One subscription per distinct selector, as a subscriber asking twice means it once.
  std::vector<std::string> distinct;
  for (std::string& t : topics) {
    if (std::find(distinct.begin(), distinct.end(), t) == distinct.end()) {
      distinct.push_back(std::move(t));
    }
  }
  topics = std::move(distinct);
  std::lock_guard lock(mutex_);
  auto [it, inserted] = entries_.emplace(subscriber, Entry{std::move(topics), std::move(payload)});
  if (inserted) publish_events(subscriber, it->second, true);
}

void SubscriptionRegistry::remove(const std::string& subscriber) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(subscriber);
  if (it == entries_.end()) return;
  publish_events(subscriber, it->second, false);
  entries_.erase(it);
}

void SubscriptionRegistry::publish_events(const std::string& subscriber, const Entry& entry,
                                          bool active) {
  for (const std::string& topic : entry.topics) {
    SubscriptionView view{topic, subscriber, active, entry.payload};
    auto update = std::make_shared<hub::Update>();
    update->id = random_urn_uuid();
    update->topics = {subscription_id(topic, subscriber)};
    // Who is connected, and the payloads of their tokens, is for authorized eyes only.
    update->is_private = true;
    std::string data =
        subscription_json(view, true).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    wire::serialize(wire::Event{.id = update->id, .data = std::move(data)}, update->frame);
    hub_.publish(std::move(update));  // a fresh uuid: never a duplicate
  }
}

SubscriptionRegistry::Snapshot SubscriptionRegistry::snapshot() const {
  Snapshot out;
  std::lock_guard lock(mutex_);
  out.last_event_id = hub_.newest_id().value_or("earliest");
  out.subscriptions.reserve(entries_.size());
  for (const auto& [subscriber, entry] : entries_) {
    for (const std::string& topic : entry.topics) {
      out.subscriptions.push_back({topic, subscriber, true, entry.payload});
    }
  }
  return out;
}

}  // namespace herald::server
