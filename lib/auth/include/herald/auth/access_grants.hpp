#pragma once
// What a Mercure 1.0 access token grants: its Mercure authorization details (RFC 9396, the
// draft's "Authorization Details"), reduced to topic matchers per action. Matchers are kept
// as text, as tokens write them, and compiled once, as the endpoints match them (parsing must
// compile them to check them): to_claims (access_claims.hpp) hands the compiled ones on.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/match/selector.hpp"

namespace herald::auth {

// The `type` of a Mercure authorization detail, compared byte by byte.
inline constexpr std::string_view kMercureDetailType = "https://mercure.rocks/authorization-detail";

// The draft's matcher types; `match_type` defaults to exact.
enum class MatcherType : std::uint8_t { exact, urlpattern };

// "exact", "urlpattern".
std::string_view matcher_type_name(MatcherType type);

struct TopicMatcher {
  MatcherType type = MatcherType::exact;
  std::string text;

  // `*` matches every topic whatever the type: check this before interpreting `text`.
  bool is_wildcard() const { return text == "*"; }
  bool operator==(const TopicMatcher&) const = default;
};

// One Mercure detail with the `subscribe` action, kept in token order: the payload of a
// subscription is that of the first such detail whose topics match the subscription's own
// matcher (the draft's "Payloads"), so order and grouping matter.
struct SubscribeDetail {
  std::vector<TopicMatcher> topics;
  // The detail's `payload` object, re-serialized compactly; nullopt when it has none.
  std::optional<std::string> payload;
  // `topics`, compiled.
  match::SelectorSet selectors;
};

struct AccessGrants {
  // Every matcher of the details whose actions include `publish`, in token order.
  std::vector<TopicMatcher> publish;
  // Every matcher of the details whose actions include `subscribe`, in token order.
  std::vector<TopicMatcher> subscribe;
  std::vector<SubscribeDetail> subscribe_details;
  // `publish` and `subscribe`, compiled: URL patterns against the hub's URL, `*` matching
  // every topic whatever its type (the draft's "Matcher Types").
  match::SelectorSet publish_selectors;
  match::SelectorSet subscribe_selectors;
};

}  // namespace herald::auth
