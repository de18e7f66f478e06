#pragma once
// JSON Web Keys (RFC 7517): a key set file, as an identity provider publishes it.
#include <string_view>

#include "herald/auth/algorithm.hpp"
#include "herald/auth/key.hpp"
#include "herald/auth/result.hpp"

namespace herald::auth {

// The keys of a JWK Set ({"keys": [...]}) or of a single JWK that can verify `alg`:
// kty RSA (n, e), EC (crv, x, y), OKP (crv Ed25519, x) and oct (k). Keys meant for something else
// (another kty, "use" other than "sig", an "alg" or curve other than `alg`'s) are skipped; a key
// that claims to be for `alg` but is malformed is an error, as are duplicate kids, more than 100
// keys, and a set with nothing left for `alg`.
Result<KeySet> parse_jwks(std::string_view json, Algorithm alg);

}  // namespace herald::auth
