#include "subscription_registry.hpp"

#include "herald/base/uuid.hpp"
#include "herald/wire/serializer.hpp"

namespace herald::server {

namespace {

// What a node lists in Redis for one subscriber (read back by listing()).
std::string listed(const std::string& subscriber,
                   const std::vector<SubscriptionRegistry::Subscription>& entry) {
  nlohmann::json subscriptions = nlohmann::json::array();
  for (const auto& sub : entry) {
    subscriptions.push_back(
        {{"topic", sub.topic}, {"match_type", sub.match_type}, {"payload", sub.payload}});
  }
  return nlohmann::json{{"subscriber", subscriber}, {"subscriptions", std::move(subscriptions)}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The subscriptions of one listed subscriber, appended to `out`; nothing from a value
// that is not one (another program's, or damaged).
void listing(const std::string& value, std::vector<SubscriptionView>& out) {
  const nlohmann::json doc = nlohmann::json::parse(value, nullptr, false);
  if (!doc.is_object() || !doc.contains("subscriber") || !doc["subscriber"].is_string() ||
      !doc.contains("subscriptions") || !doc["subscriptions"].is_array())
    return;
  const std::string subscriber = doc["subscriber"].get<std::string>();
  for (const nlohmann::json& sub : doc["subscriptions"]) {
    if (!sub.is_object() || !sub.value("topic", nlohmann::json()).is_string() ||
        !sub.value("match_type", nlohmann::json()).is_string())
      continue;
    out.push_back({sub["topic"].get<std::string>(), subscriber, true,
                   sub.value("payload", nlohmann::json()), sub["match_type"].get<std::string>()});
  }
}

}  // namespace

void SubscriptionRegistry::add(const std::string& subscriber,
                               std::vector<Subscription> subscriptions) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = entries_.emplace(subscriber, std::move(subscriptions));
  if (!inserted) return;
  publish_events(subscriber, it->second, true);
  if (cluster_ != nullptr) cluster_->list_subscriber(subscriber, listed(subscriber, it->second));
}

void SubscriptionRegistry::remove(const std::string& subscriber) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(subscriber);
  if (it == entries_.end()) return;
  publish_events(subscriber, it->second, false);
  entries_.erase(it);
  if (cluster_ != nullptr) cluster_->unlist_subscriber(subscriber);
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

void SubscriptionRegistry::shared_snapshot(SharedDone done) const {
  std::string last_event_id = hub_.newest_id().value_or("earliest");
  cluster_->read_subscriber_lists(
      [done = std::move(done), last_event_id = std::move(last_event_id)](
          std::optional<std::vector<std::string>> values, std::string error) {
        if (!values) return done(std::nullopt, error);
        Snapshot out;
        out.last_event_id = last_event_id;
        for (const std::string& value : *values)
          listing(value, out.subscriptions);
        done(std::move(out), {});
      });
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
