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

// A listed subscriber and its subscriptions, read back from what listed() wrote; none
// from a value that is not one (another program's, or damaged).
struct Listed {
  std::string subscriber;
  std::vector<SubscriptionRegistry::Subscription> subscriptions;
};
std::optional<Listed> parse_listed(const std::string& value) {
  const nlohmann::json doc = nlohmann::json::parse(value, nullptr, false);
  if (!doc.is_object() || !doc.contains("subscriber") || !doc["subscriber"].is_string() ||
      !doc.contains("subscriptions") || !doc["subscriptions"].is_array())
    return std::nullopt;
  Listed out{doc["subscriber"].get<std::string>(), {}};
  for (const nlohmann::json& sub : doc["subscriptions"]) {
    if (!sub.is_object() || !sub.value("topic", nlohmann::json()).is_string() ||
        !sub.value("match_type", nlohmann::json()).is_string())
      continue;
    out.subscriptions.push_back({sub["topic"].get<std::string>(),
                                 sub["match_type"].get<std::string>(),
                                 sub.value("payload", nlohmann::json())});
  }
  return out;
}

}  // namespace

SubscriptionRegistry::SubscriptionRegistry(hub::Hub& hub, cluster::RedisHistory* cluster)
    : hub_(hub), cluster_(cluster) {
  if (cluster_ == nullptr) return;
  cluster_->watch_departures([this](std::vector<std::string> values) { publish_departed(values); },
                             [this] { publish_reinstated(); });
}

void SubscriptionRegistry::publish_departed(const std::vector<std::string>& values) {
  std::lock_guard lock(mutex_);
  for (const std::string& value : values) {
    if (auto listed = parse_listed(value))
      publish_events(listed->subscriber, listed->subscriptions, false);
  }
}

void SubscriptionRegistry::publish_reinstated() {
  std::lock_guard lock(mutex_);
  for (const auto& [subscriber, entry] : entries_)
    publish_events(subscriber, entry, true);
}

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
    // A fresh uuid: never a duplicate. On a cluster straight to the stream, as the hub
    // would: this may run on the cluster's thread while the hub lets go of its history.
    if (cluster_ != nullptr) {
      cluster_->append(update, {});
    } else {
      hub_.publish(std::move(update));
    }
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
        for (const std::string& value : *values) {
          auto listed = parse_listed(value);
          if (!listed) continue;
          for (const Subscription& sub : listed->subscriptions)
            out.subscriptions.push_back(
                {sub.topic, listed->subscriber, true, sub.payload, sub.match_type});
        }
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
