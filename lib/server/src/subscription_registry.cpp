#include "subscription_registry.hpp"

#include "herald/base/uuid.hpp"
#include "herald/wire/serializer.hpp"

namespace herald::server {

void SubscriptionRegistry::add(const std::string& subscriber,
                               std::vector<Subscription> subscriptions) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = entries_.emplace(subscriber, std::move(subscriptions));
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
  for (const Subscription& sub : entry) {
    SubscriptionView view{sub.topic, subscriber, active, sub.payload, sub.match_type};
    auto update = std::make_shared<hub::Update>();
    update->id = random_urn_uuid();
    // Who is connected, and the payloads of their tokens, is for authorized eyes only.
    update->is_private = true;
    wire::Event event{.id = update->id};
    if (sub.match_type.empty()) {
      update->topics = {subscription_id(sub.topic, subscriber)};
      event.data = subscription_json(view, true)
                       .dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      // 1.0: the reserved `mercure` event type, which no publisher may use, tells these
      // events from application updates on the same stream.
      nlohmann::json doc = subscription_json_v1(view, sub.match_type);
      update->topics = {doc["id"].get<std::string>()};
      event.type = "mercure";
      event.data = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    wire::serialize(event, update->frame);
    hub_.publish(std::move(update));  // a fresh uuid: never a duplicate
  }
}

SubscriptionRegistry::Snapshot SubscriptionRegistry::snapshot() const {
  Snapshot out;
  std::lock_guard lock(mutex_);
  out.last_event_id = hub_.newest_id().value_or("earliest");
  out.subscriptions.reserve(entries_.size());
  for (const auto& [subscriber, entry] : entries_) {
    for (const Subscription& sub : entry) {
      out.subscriptions.push_back({sub.topic, subscriber, true, sub.payload, sub.match_type});
    }
  }
  return out;
}

}  // namespace herald::server
