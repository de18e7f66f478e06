#include "herald/auth/mercure_claims.hpp"

#include "herald/auth/claims.hpp"
#include "herald/base/utf8.hpp"
#include "json_util.hpp"

namespace herald::auth {

namespace {

// JSON strings must be UTF-8; selectors come from command lines, which need not be.
bool all_utf8(const std::optional<std::vector<std::string>>& list) {
  if (!list) return true;
  for (const std::string& s : *list) {
    if (!is_valid_utf8(s)) return false;
  }
  return true;
}

}  // namespace

Result<std::string> mercure_claims_json(const MercureGrant& grant) {
  if (!all_utf8(grant.publish) || !all_utf8(grant.subscribe)) {
    return make_error(ErrorCode::invalid_claims, "a topic selector is not valid UTF-8");
  }
  Json mercure = Json::object();
  if (grant.publish) mercure["publish"] = *grant.publish;
  if (grant.subscribe) mercure["subscribe"] = *grant.subscribe;
  if (!grant.payload_json.empty()) {
    auto payload = parse_json(grant.payload_json);
    if (!payload) return make_error(ErrorCode::invalid_claims, "the payload is not valid JSON");
    mercure["payload"] = *payload;
  }
  Json claims;
  claims["mercure"] = std::move(mercure);
  if (grant.expires_at) {
    claims["exp"] =
        std::chrono::duration_cast<std::chrono::seconds>(grant.expires_at->time_since_epoch())
            .count();
  }
  std::string text = claims.dump();
  auto check = parse_claims(text);
  if (!check) return check.error();
  return text;
}

}  // namespace herald::auth
