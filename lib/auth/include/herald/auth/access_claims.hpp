#pragma once
// The claims herald reads from a Mercure 1.0 access token (RFC 9068 with the draft's
// authorization details). Checks shapes only; signature, issuer trust, audience and time
// are AccessVerifier's.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/auth/access_grants.hpp"
#include "herald/auth/claims.hpp"
#include "herald/auth/result.hpp"

namespace herald::auth {

// Bounds on what one token makes the hub store and match (the draft's "Resource Limits").
// A token beyond any of them is refused whole.
struct AccessLimits {
  // Entries of `authorization_details`, Mercure or not.
  std::size_t max_details = 32;
  // Entries of one detail's `actions` (unknown actions are ignored, but still bounded).
  std::size_t max_actions = 16;
  // Entries of one detail's `topics`, and matchers over all details together.
  std::size_t max_topics = 256;
  std::size_t max_total_topics = 1024;
  // Bytes of one `match` value (lib/match's UrlPattern::kMaxLength).
  std::size_t max_match_bytes = 2048;
  // Bytes of one serialized `payload`.
  std::size_t max_payload_bytes = 4096;
};

struct AccessClaims {
  std::string issuer;                  // `iss`
  std::vector<std::string> audiences;  // `aud`, a string or an array of strings
  std::string subject;                 // `sub`, empty when absent
  std::string client_id;               // `client_id`, empty when absent
  std::string token_id;                // `jti`, empty when absent
  // `exp`, `nbf`, `iat` (fractions dropped, clamped to 2200 like the 0.x claims).
  std::optional<std::chrono::system_clock::time_point> expires_at;
  std::optional<std::chrono::system_clock::time_point> not_before;
  std::optional<std::chrono::system_clock::time_point> issued_at;
  AccessGrants grants;
};

// The claims of an access token's payload (JSON text). Refused: a `mercure` claim (a token
// speaks one generation), registered claims of the wrong JSON type, and any Mercure
// authorization detail that fails to parse or exceeds `limits`; the whole token is refused,
// never applied in part (the draft's "Authorization Details"). Details of other types are
// ignored; unknown actions are ignored. `urlpattern` matchers must compile against `hub_url`
// (the hub's URL, the base of relative patterns); with an empty `hub_url`, only absolute
// patterns do.
Result<AccessClaims> parse_access_claims(std::string_view json, const AccessLimits& limits = {},
                                         std::string_view hub_url = {});

// What a verified access token grants, as the endpoints read both generations' tokens:
// generation mercure_1, the publish and subscribe matchers as the selector sets parsing
// compiled (see AccessGrants), the subscribe details in token order with their payloads,
// `iss`, `sub`, `exp` and `nbf`.
Claims to_claims(AccessClaims access);

}  // namespace herald::auth
