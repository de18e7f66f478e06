#pragma once
// Verifies JWS compact tokens for one role (publisher or subscriber): one algorithm, the
// keys that role trusts, the time window. Thread-safe: verify() is const and shares no
// mutable state, so every shard can use the same Verifier.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>

#include "herald/auth/algorithm.hpp"
#include "herald/auth/claims.hpp"
#include "herald/auth/key.hpp"
#include "herald/auth/result.hpp"

namespace herald::auth {

struct VerifierConfig {
  // The only algorithm accepted. The token's `alg` header must equal it: the token never
  // chooses how it is checked (RFC 8725 3.1).
  Algorithm algorithm = Algorithm::HS256;
  KeySet keys;
  // Clock skew tolerated on `exp` and `nbf`.
  std::chrono::seconds leeway{5};
  // Mercure 0.x tokens often have no `exp` (the documented demo token has none): accepted
  // unless this is set.
  bool require_exp = false;
  std::size_t max_token_bytes = 8192;
  ClaimsLimits claims_limits;
  // Injectable for tests; system_clock::now when empty.
  std::function<std::chrono::system_clock::time_point()> clock;
};

class Verifier {
 public:
  // Fails when the key set is empty or a key does not fit the algorithm.
  static Result<Verifier> create(VerifierConfig config);

  // The token's claims, or why it is refused. Order of checks: size, shape, header
  // (`alg`, `crit`, `kid`), key, signature, and only then the claims and the time: the
  // payload of an unauthenticated token is never parsed. Mercure 1.0 access tokens (`typ`
  // at+jwt, or `authorization_details` in the claims) are refused: AccessVerifier checks
  // them, with the issuer and audience rules this one does not have.
  Result<Claims> verify(std::string_view token) const;

  Algorithm algorithm() const { return config_.algorithm; }

 private:
  explicit Verifier(VerifierConfig config) : config_(std::move(config)) {}
  std::chrono::system_clock::time_point now() const;

  VerifierConfig config_;
};

}  // namespace herald::auth
