#include "herald/auth/access_claims.hpp"

#include "access_claims_json.hpp"
#include "authorization_details.hpp"
#include "generation_markers.hpp"
#include "numeric_date.hpp"

namespace herald::auth {

namespace {

Error invalid(std::string message) {
  return make_error(ErrorCode::invalid_claims, std::move(message));
}

// A string claim into `out`; absent leaves it empty, any other JSON type is an error.
Result<bool> string_claim(const Json& payload, const char* name, std::string& out) {
  auto it = payload.find(name);
  if (it == payload.end()) return false;
  if (!it->is_string()) return invalid(std::string("\"") + name + "\" is not a string");
  out = it->get<std::string>();
  return true;
}

// RFC 7519 4.1.3: one string, or an array of strings.
Result<std::vector<std::string>> audiences(const Json& payload) {
  auto it = payload.find("aud");
  if (it == payload.end()) return std::vector<std::string>();
  if (it->is_string()) return std::vector<std::string>{it->get<std::string>()};
  if (!it->is_array()) return invalid("\"aud\" is neither a string nor an array");
  std::vector<std::string> out;
  out.reserve(it->size());
  for (const Json& item : *it) {
    if (!item.is_string()) return invalid("\"aud\" holds something other than strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

Result<AccessClaims> access_claims_from_json(const Json& payload, const AccessLimits& limits,
                                             std::string_view hub_url) {
  if (!payload.is_object()) {
    return make_error(ErrorCode::malformed, "the token's claims are not a JSON object");
  }
  if (payload.contains(kLegacyClaim)) {
    return make_error(ErrorCode::wrong_generation, std::string(kMixedGenerationsMessage));
  }
  AccessClaims claims;
  for (auto [name, out] :
       {std::pair{"iss", &claims.issuer}, std::pair{"sub", &claims.subject},
        std::pair{"client_id", &claims.client_id}, std::pair{"jti", &claims.token_id}}) {
    auto present = string_claim(payload, name, *out);
    if (!present) return present.error();
  }
  auto aud = audiences(payload);
  if (!aud) return aud.error();
  claims.audiences = std::move(*aud);
  for (auto [name, out] :
       {std::pair{"exp", &claims.expires_at}, std::pair{"nbf", &claims.not_before},
        std::pair{"iat", &claims.issued_at}}) {
    auto date = numeric_date(payload, name);
    if (!date) return date.error();
    *out = *date;
  }
  // No authorization_details: a valid token that grants nothing (the draft: "Tokens with no
  // Mercure authorization detail grant no publish or subscribe rights").
  if (auto details = payload.find(kAuthorizationDetailsClaim); details != payload.end()) {
    auto grants = parse_authorization_details(*details, limits, hub_url);
    if (!grants) return grants.error();
    claims.grants = std::move(*grants);
  }
  return claims;
}

Result<AccessClaims> parse_access_claims(std::string_view json, const AccessLimits& limits,
                                         std::string_view hub_url) {
  auto payload = parse_json(json);
  if (!payload) return make_error(ErrorCode::malformed, "the token's claims are not valid JSON");
  return access_claims_from_json(*payload, limits, hub_url);
}

Claims to_claims(AccessClaims access) {
  Claims claims;
  claims.generation = TokenGeneration::mercure_1;
  AccessGrants& grants = access.grants;
  claims.publish = std::move(grants.publish_selectors);
  claims.has_publish = !grants.publish.empty();
  claims.subscribe = std::move(grants.subscribe_selectors);
  claims.has_subscribe = !grants.subscribe.empty();
  claims.subscribe_details.reserve(grants.subscribe_details.size());
  for (SubscribeDetail& detail : grants.subscribe_details) {
    claims.subscribe_details.push_back({std::move(detail.selectors), std::move(detail.payload)});
  }
  claims.issuer = std::move(access.issuer);
  claims.subject = std::move(access.subject);
  claims.expires_at = access.expires_at;
  claims.not_before = access.not_before;
  return claims;
}

}  // namespace herald::auth
