#pragma once
// parse_access_claims on an already parsed payload: the access-token verifier parses the
// payload once, to find `iss` before it knows which keys to check the signature with.
#include "herald/auth/access_claims.hpp"
#include "json_util.hpp"

namespace herald::auth {

Result<AccessClaims> access_claims_from_json(const Json& payload, const AccessLimits& limits,
                                             std::string_view hub_url);

}  // namespace herald::auth
