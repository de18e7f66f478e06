#include "herald/auth/claims.hpp"

#include "generation_markers.hpp"
#include "json_util.hpp"
#include "numeric_date.hpp"

namespace herald::auth {

namespace {

using json = Json;

Error claims_error(std::string message) {
  return make_error(ErrorCode::invalid_claims, std::move(message));
}

Result<match::SelectorSet> selectors(const json& list, const char* name,
                                     const ClaimsLimits& limits) {
  const std::string where = std::string("mercure.") + name;
  if (!list.is_array()) return claims_error(where + " is not an array");
  if (list.size() > limits.max_selectors) {
    return make_error(
        ErrorCode::too_large,
        where + " has more than " + std::to_string(limits.max_selectors) + " topic selectors");
  }
  match::SelectorSet set;
  for (const json& item : list) {
    if (!item.is_string()) return claims_error(where + " holds something other than strings");
    std::string why;
    auto selector = match::Selector::parse(item.get_ref<const std::string&>(), &why);
    if (!selector) return claims_error(where + ": " + why);
    set.add(std::move(*selector));
  }
  return set;
}

}  // namespace

Result<Claims> parse_claims(std::string_view text, const ClaimsLimits& limits) {
  auto doc = parse_json(text);
  if (!doc) return make_error(ErrorCode::malformed, "the token's claims are not valid JSON");
  if (!doc->is_object())
    return make_error(ErrorCode::malformed, "the token's claims are not a JSON object");

  if (doc->contains(kAuthorizationDetailsClaim)) {
    return make_error(ErrorCode::wrong_generation,
                      doc->contains(kLegacyClaim)
                          ? std::string(kMixedGenerationsMessage)
                          : "the token carries authorization_details: it is a Mercure 1.0 "
                            "access token, not a 0.x token");
  }

  Claims claims;
  auto exp = numeric_date(*doc, "exp");
  if (!exp) return exp.error();
  claims.expires_at = *exp;
  auto nbf = numeric_date(*doc, "nbf");
  if (!nbf) return nbf.error();
  claims.not_before = *nbf;

  auto mercure = doc->find(kLegacyClaim);
  if (mercure == doc->end()) return claims;
  if (!mercure->is_object()) return claims_error("the \"mercure\" claim is not an object");
  if (auto it = mercure->find("publish"); it != mercure->end()) {
    auto set = selectors(*it, "publish", limits);
    if (!set) return set.error();
    claims.publish = std::move(*set);
    claims.has_publish = true;
  }
  if (auto it = mercure->find("subscribe"); it != mercure->end()) {
    auto set = selectors(*it, "subscribe", limits);
    if (!set) return set.error();
    claims.subscribe = std::move(*set);
    claims.has_subscribe = true;
  }
  if (auto it = mercure->find("payload"); it != mercure->end()) {
    // Invalid UTF-8 cannot reach here (the parser refuses it), so dump() cannot throw.
    claims.payload = it->dump();
    if (claims.payload.size() > limits.max_payload_bytes) {
      return make_error(
          ErrorCode::too_large,
          "mercure.payload is larger than " + std::to_string(limits.max_payload_bytes) + " bytes");
    }
  }
  return claims;
}

}  // namespace herald::auth
