#include "herald/auth/access_token_claims.hpp"

#include "herald/base/utf8.hpp"
#include "json_util.hpp"

namespace herald::auth {

namespace {

std::int64_t seconds_of(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

Json matchers_json(const std::vector<TopicMatcher>& matchers) {
  Json list = Json::array();
  for (const TopicMatcher& m : matchers)
    list.push_back({{"match", m.text}, {"match_type", matcher_type_name(m.type)}});
  return list;
}

Json detail(const char* action, const std::vector<TopicMatcher>& matchers) {
  return {{"type", kMercureDetailType}, {"actions", {action}}, {"topics", matchers_json(matchers)}};
}

}  // namespace

Result<std::string> access_claims_json(const AccessGrant& grant, std::string_view hub_url) {
  // JSON strings must be UTF-8; matchers and names come from command lines, which need not be.
  for (const std::string* text :
       {&grant.issuer, &grant.audience, &grant.subject, &grant.client_id, &grant.token_id}) {
    if (!is_valid_utf8(*text)) return make_error(ErrorCode::invalid_claims, "a claim is not UTF-8");
  }
  for (const auto* list : {&grant.publish, &grant.subscribe}) {
    for (const TopicMatcher& m : *list) {
      if (!is_valid_utf8(m.text)) {
        return make_error(ErrorCode::invalid_claims, "a topic matcher is not valid UTF-8");
      }
    }
  }
  Json details = Json::array();
  if (!grant.publish.empty()) details.push_back(detail("publish", grant.publish));
  if (!grant.subscribe.empty()) {
    Json subscribe = detail("subscribe", grant.subscribe);
    if (!grant.payload_json.empty()) {
      auto payload = parse_json(grant.payload_json);
      if (!payload || !payload->is_object()) {
        return make_error(ErrorCode::invalid_claims, "the payload is not a JSON object");
      }
      subscribe["payload"] = std::move(*payload);
    }
    details.push_back(std::move(subscribe));
  } else if (!grant.payload_json.empty()) {
    return make_error(ErrorCode::invalid_claims,
                      "a payload belongs to the subscribe action: give subscribe matchers too");
  }
  Json claims = {{"iss", grant.issuer},
                 {"sub", grant.subject},
                 {"aud", grant.audience},
                 {"client_id", grant.client_id},
                 {"jti", grant.token_id},
                 {"iat", seconds_of(grant.issued_at)},
                 {"exp", seconds_of(grant.expires_at)},
                 {"authorization_details", std::move(details)}};
  std::string text = claims.dump();
  auto check = parse_access_claims(text, {}, hub_url);
  if (!check) return check.error();
  return text;
}

}  // namespace herald::auth
