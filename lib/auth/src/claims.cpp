#include "herald/auth/claims.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "json_util.hpp"

namespace herald::auth {

namespace {

using json = Json;
using std::chrono::system_clock;

// 2200-01-01: a NumericDate past it is clamped so that it fits system_clock (nanoseconds,
// good until 2262) whatever a token says.
constexpr double kMaxNumericDate = 7'258'118'400.0;

Error claims_error(std::string message) {
  return make_error(ErrorCode::invalid_claims, std::move(message));
}

Result<std::optional<system_clock::time_point>> numeric_date(const json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::optional<system_clock::time_point>();
  if (!it->is_number()) return claims_error(std::string("\"") + name + "\" is not a number");
  const double seconds = std::clamp(std::floor(it->get<double>()), 0.0, kMaxNumericDate);
  return std::optional<system_clock::time_point>(
      system_clock::time_point(std::chrono::seconds(static_cast<std::int64_t>(seconds))));
}

Result<hub::SelectorSet> selectors(const json& list, const char* name, const ClaimsLimits& limits) {
  const std::string where = std::string("mercure.") + name;
  if (!list.is_array()) return claims_error(where + " is not an array");
  if (list.size() > limits.max_selectors) {
    return make_error(
        ErrorCode::too_large,
        where + " has more than " + std::to_string(limits.max_selectors) + " topic selectors");
  }
  hub::SelectorSet set;
  for (const json& item : list) {
    if (!item.is_string()) return claims_error(where + " holds something other than strings");
    std::string why;
    auto selector = hub::Selector::parse(item.get_ref<const std::string&>(), &why);
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

  Claims claims;
  auto exp = numeric_date(*doc, "exp");
  if (!exp) return exp.error();
  claims.expires_at = *exp;
  auto nbf = numeric_date(*doc, "nbf");
  if (!nbf) return nbf.error();
  claims.not_before = *nbf;

  auto mercure = doc->find("mercure");
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
