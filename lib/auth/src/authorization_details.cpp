#include "authorization_details.hpp"

#include <optional>
#include <utility>

#include "herald/base/clean_text.hpp"
#include "herald/match/selector.hpp"
#include "herald/match/url_pattern.hpp"

namespace herald::auth {

namespace {

Error invalid(std::string message) {
  return make_error(ErrorCode::invalid_claims, "authorization_details: " + std::move(message));
}

Error too_large(std::string what, std::size_t limit) {
  return make_error(ErrorCode::too_large, "authorization_details: more than " +
                                              std::to_string(limit) + " " + std::move(what));
}

struct Actions {
  bool publish = false;
  bool subscribe = false;
};

Result<Actions> parse_actions(const Json& detail, const AccessLimits& limits) {
  auto it = detail.find("actions");
  if (it == detail.end() || !it->is_array() || it->empty()) {
    return invalid("a Mercure detail needs \"actions\", a non-empty array");
  }
  if (it->size() > limits.max_actions) return too_large("actions in a detail", limits.max_actions);
  Actions actions;
  for (const Json& action : *it) {
    if (!action.is_string()) return invalid("an action is not a string");
    const std::string& name = action.get_ref<const std::string&>();
    // Other actions belong to future specifications: they grant nothing here, and do not
    // invalidate the token (the draft's "Authorization Details").
    if (name == "publish") actions.publish = true;
    if (name == "subscribe") actions.subscribe = true;
  }
  return actions;
}

// A matcher as the token writes it, and compiled as the endpoints evaluate it.
struct ParsedMatcher {
  TopicMatcher matcher;
  match::Selector selector;
};

Result<ParsedMatcher> parse_matcher(const Json& entry, const AccessLimits& limits,
                                    std::string_view hub_url) {
  if (!entry.is_object()) return invalid("a topic matcher is not an object");
  auto match = entry.find("match");
  if (match == entry.end() || !match->is_string()) {
    return invalid("a topic matcher has no \"match\" string");
  }
  TopicMatcher matcher;
  matcher.text = match->get<std::string>();
  if (matcher.text.empty()) return invalid("a topic matcher is empty");
  if (matcher.text.size() > limits.max_match_bytes) {
    return make_error(ErrorCode::too_large,
                      "authorization_details: a topic matcher is longer than " +
                          std::to_string(limits.max_match_bytes) + " bytes");
  }
  if (!is_clean_text(matcher.text)) {
    return invalid("a topic matcher holds control or invisible format characters");
  }
  if (auto type = entry.find("match_type"); type != entry.end()) {
    // Case-sensitive, and an unknown type refuses the token: a grant the hub cannot
    // evaluate must not be skipped (the draft's "Topic Matcher List").
    if (!type->is_string()) return invalid("a match_type is not a string");
    const std::string& name = type->get_ref<const std::string&>();
    if (name == "urlpattern") {
      matcher.type = MatcherType::urlpattern;
    } else if (name != "exact") {
      return invalid("unsupported match_type (this hub supports exact and urlpattern)");
    }
  }
  std::string why;
  std::optional<match::Selector> selector;
  // `*` is the wildcard before any type applies: nothing to compile.
  if (matcher.type == MatcherType::urlpattern && !matcher.is_wildcard()) {
    auto pattern = match::UrlPattern::compile(matcher.text, hub_url, &why);
    if (!pattern) return invalid("a URL pattern is invalid: " + why);
    selector = match::Selector::url_pattern(matcher.text, std::move(*pattern), &why);
  } else {
    selector = match::Selector::exact(matcher.text, &why);
  }
  if (!selector) return invalid(why);
  return ParsedMatcher{std::move(matcher), std::move(*selector)};
}

Result<std::vector<ParsedMatcher>> parse_topics(const Json& detail, const AccessLimits& limits,
                                                std::string_view hub_url) {
  auto it = detail.find("topics");
  if (it == detail.end() || !it->is_array() || it->empty()) {
    return invalid("a Mercure detail needs \"topics\", a non-empty array");
  }
  if (it->size() > limits.max_topics) return too_large("topics in a detail", limits.max_topics);
  std::vector<ParsedMatcher> topics;
  topics.reserve(it->size());
  for (const Json& entry : *it) {
    auto matcher = parse_matcher(entry, limits, hub_url);
    if (!matcher) return matcher.error();
    topics.push_back(std::move(*matcher));
  }
  return topics;
}

Result<std::optional<std::string>> parse_payload(const Json& detail, const AccessLimits& limits) {
  auto it = detail.find("payload");
  if (it == detail.end()) return std::optional<std::string>();
  if (!it->is_object()) return invalid("a payload is not a JSON object");
  // Invalid UTF-8 cannot reach here (the parser refuses it), so dump() cannot throw.
  std::string text = it->dump();
  if (text.size() > limits.max_payload_bytes) {
    return make_error(ErrorCode::too_large, "authorization_details: a payload is larger than " +
                                                std::to_string(limits.max_payload_bytes) +
                                                " bytes");
  }
  return std::optional<std::string>(std::move(text));
}

}  // namespace

Result<AccessGrants> parse_authorization_details(const Json& details, const AccessLimits& limits,
                                                 std::string_view hub_url) {
  if (!details.is_array()) return invalid("not an array");
  if (details.size() > limits.max_details) return too_large("details", limits.max_details);
  AccessGrants grants;
  std::size_t total_topics = 0;
  for (const Json& detail : details) {
    if (!detail.is_object()) return invalid("an entry is not an object");
    auto type = detail.find("type");
    if (type == detail.end() || !type->is_string()) {
      return invalid("an entry has no \"type\" string");  // RFC 9396 2: type is required
    }
    if (type->get_ref<const std::string&>() != kMercureDetailType) continue;

    auto actions = parse_actions(detail, limits);
    if (!actions) return actions.error();
    auto topics = parse_topics(detail, limits, hub_url);
    if (!topics) return topics.error();
    auto payload = parse_payload(detail, limits);
    if (!payload) return payload.error();
    total_topics += topics->size();
    if (total_topics > limits.max_total_topics) {
      return too_large("topic matchers in all", limits.max_total_topics);
    }

    // A detail with both actions shares its compiled matchers between them.
    if (actions->publish) {
      for (const ParsedMatcher& parsed : *topics) {
        grants.publish.push_back(parsed.matcher);
        grants.publish_selectors.add(parsed.selector);
      }
    }
    if (actions->subscribe) {
      SubscribeDetail subscribe;
      subscribe.payload = std::move(*payload);
      for (ParsedMatcher& parsed : *topics) {
        grants.subscribe.push_back(parsed.matcher);
        grants.subscribe_selectors.add(parsed.selector);
        subscribe.topics.push_back(std::move(parsed.matcher));
        subscribe.selectors.add(std::move(parsed.selector));
      }
      grants.subscribe_details.push_back(std::move(subscribe));
    }
  }
  return grants;
}

}  // namespace herald::auth
