#pragma once
// The claims of a Mercure 1.0 access token, as JSON: what `herald token --v1` signs (with
// `typ` at+jwt). The counterpart of mercure_claims.hpp for the 0.x generation.
#include <chrono>
#include <string>
#include <vector>

#include "herald/auth/access_claims.hpp"
#include "herald/auth/access_grants.hpp"
#include "herald/auth/result.hpp"

namespace herald::auth {

struct AccessGrant {
  std::string issuer;     // `iss`: the issuer identifier the hub binds the key to
  std::string audience;   // `aud`: the hub's resource identifier
  std::string subject;    // `sub`: who the token is for (subscription events use it)
  std::string client_id;  // `client_id`
  std::string token_id;   // `jti`: unique per token
  std::chrono::system_clock::time_point issued_at;   // `iat`
  std::chrono::system_clock::time_point expires_at;  // `exp`: RFC 9068 requires it
  // One Mercure authorization detail per action, written only when it has matchers.
  std::vector<TopicMatcher> publish;
  std::vector<TopicMatcher> subscribe;
  // The subscribe detail's `payload` (a JSON object) as text; empty for none.
  std::string payload_json;
};

// Every claim RFC 9068 asks issuers to populate, and `authorization_details`. Checked back
// through parse_access_claims (default limits, URL patterns against `hub_url`, which is
// the audience for `herald token`), so a token a hub would refuse for its shape is never
// minted.
Result<std::string> access_claims_json(const AccessGrant& grant, std::string_view hub_url);

}  // namespace herald::auth
