#include "subscription_json.hpp"

namespace herald::server {

std::string escape_segment(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string subscription_id(std::string_view topic, std::string_view subscriber) {
  std::string id(subscriptions_path);
  id += '/';
  id += escape_segment(topic);
  id += '/';
  id += escape_segment(subscriber);
  return id;
}

nlohmann::json subscription_json(const SubscriptionView& s, bool with_context) {
  nlohmann::json j = nlohmann::json::object();
  if (with_context) j["@context"] = jsonld_context;
  j["id"] = subscription_id(s.topic, s.subscriber);
  j["type"] = "Subscription";
  j["subscriber"] = s.subscriber;
  j["topic"] = s.topic;
  j["active"] = s.active;
  if (!s.payload.is_null()) j["payload"] = s.payload;
  return j;
}

nlohmann::json subscriptions_json(std::string_view id, std::string_view last_event_id,
                                  const std::vector<SubscriptionView>& subscriptions) {
  nlohmann::json list = nlohmann::json::array();
  for (const SubscriptionView& s : subscriptions)
    list.push_back(subscription_json(s, false));
  return {{"@context", jsonld_context},
          {"id", id},
          {"type", "Subscriptions"},
          {"lastEventID", last_event_id},
          {"subscriptions", std::move(list)}};
}

}  // namespace herald::server

namespace herald::server {

std::string subscription_id_v1(std::string_view match_type, std::string_view match,
                               std::string_view subscriber) {
  std::string id(subscriptions_path);
  id += '/';
  id += match_type;  // a canonical type name: nothing to escape
  id += '/';
  id += escape_segment(match);
  id += '/';
  id += escape_segment(subscriber);
  return id;
}

std::optional<std::string> v1_match_type(const SubscriptionView& s) {
  if (!s.match_type.empty()) return s.match_type;
  if (s.topic.find_first_of("{}") == std::string::npos) return "exact";
  return std::nullopt;
}

nlohmann::json subscription_json_v1(const SubscriptionView& s, std::string_view match_type) {
  nlohmann::json j = nlohmann::json::object();
  j["id"] = subscription_id_v1(match_type, s.topic, s.subscriber);
  j["type"] = "subscription";
  j["match_type"] = match_type;
  j["match"] = s.topic;
  j["subscriber"] = s.subscriber;
  j["active"] = s.active;
  if (!s.payload.is_null()) j["payload"] = s.payload;
  return j;
}

nlohmann::json subscriptions_json_v1(std::string_view id,
                                     const std::vector<SubscriptionView>& subscriptions) {
  nlohmann::json list = nlohmann::json::array();
  for (const SubscriptionView& s : subscriptions) {
    if (auto type = v1_match_type(s)) list.push_back(subscription_json_v1(s, *type));
  }
  return {{"id", id}, {"type", "subscriptions"}, {"subscriptions", std::move(list)}};
}

}  // namespace herald::server
