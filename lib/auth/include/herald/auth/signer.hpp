#pragma once
// Signs JWS compact tokens: for `herald token`, tests, and programs embedding herald.
#include <string>
#include <string_view>

#include "herald/auth/algorithm.hpp"
#include "herald/auth/key.hpp"
#include "herald/auth/result.hpp"

namespace herald::auth {

// `header.payload.signature` with header {"alg":ALG,"typ":TYP} (plus "kid" when given)
// and `claims_json` as the payload, byte for byte (it must be a JSON object; it is checked,
// not rewritten). `typ` is "JWT" for Mercure 0.x tokens and "at+jwt" (kAccessTokenType) for
// Mercure 1.0 access tokens. Fails when `key` cannot sign `alg`.
Result<std::string> sign_token(std::string_view claims_json, Algorithm alg, const Key& key,
                               std::string_view kid = {}, std::string_view typ = "JWT");

}  // namespace herald::auth
