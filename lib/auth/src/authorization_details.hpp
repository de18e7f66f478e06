#pragma once
// The `authorization_details` claim (RFC 9396) of an access token, read into AccessGrants.
#include "herald/auth/access_claims.hpp"
#include "herald/auth/access_grants.hpp"
#include "herald/auth/result.hpp"
#include "json_util.hpp"

namespace herald::auth {

// `details` is the claim's value. Every entry must be an object with a string `type`; those
// of kMercureDetailType must be valid Mercure details (see parse_access_claims), the others
// are another API's business and ignored. URL patterns must compile against `hub_url`.
Result<AccessGrants> parse_authorization_details(const Json& details, const AccessLimits& limits,
                                                 std::string_view hub_url);

}  // namespace herald::auth
