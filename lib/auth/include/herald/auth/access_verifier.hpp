#pragma once
// Verifies Mercure 1.0 access tokens (RFC 9068 JWT access tokens, profiled by the draft's
// "Token Validation") for one role: `typ` at+jwt, keys bound to their issuer, the hub's
// resource identifier in `aud`, `exp` required. Thread-safe like Verifier: verify() is const.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/auth/access_claims.hpp"
#include "herald/auth/algorithm.hpp"
#include "herald/auth/key.hpp"
#include "herald/auth/result.hpp"

namespace herald::auth {

// Keys one issuer signs with, for one algorithm. An issuer that signs with several
// algorithms appears once per algorithm.
struct TrustedIssuer {
  // The `iss` a token must carry for these keys to check it, compared byte by byte.
  std::string issuer;
  Algorithm algorithm = Algorithm::EdDSA;
  KeySet keys;
};

struct AccessVerifierConfig {
  // The hub's resource identifier: `aud` must be it or an array holding it.
  std::string resource;
  // The algorithms they name are the hub's allowlist; nothing else is accepted.
  std::vector<TrustedIssuer> issuers;
  // Clock skew tolerated on `exp` and `nbf`.
  std::chrono::seconds leeway{5};
  std::size_t max_token_bytes = 8192;
  AccessLimits limits;
  // The hub's URL: relative URL patterns in grants resolve against it.
  std::string hub_url;
  // Injectable for tests; system_clock::now when empty.
  std::function<std::chrono::system_clock::time_point()> clock;
};

class AccessVerifier {
 public:
  // Fails without a resource identifier or an issuer, on an issuer without keys or named
  // twice for one algorithm, and on a key that does not fit its issuer's algorithm.
  static Result<AccessVerifier> create(AccessVerifierConfig config);

  // The token's claims, or why it is refused. Order: size, shape, header (`alg` known and
  // never `none`, no `crit`, `typ` at+jwt), then `iss` from the payload, which picks the
  // issuer; the token's `alg` must be one that issuer signs with and `kid` picks among its
  // keys only (a key bound to issuer A never checks a token claiming issuer B). Then the
  // signature, and only then the rest of the claims: `aud`, `exp` (required), `nbf`, the
  // authorization details. Before the signature, nothing but `iss` is read from the payload.
  Result<AccessClaims> verify(std::string_view token) const;

  const std::string& resource() const { return config_.resource; }

 private:
  explicit AccessVerifier(AccessVerifierConfig config) : config_(std::move(config)) {}
  std::chrono::system_clock::time_point now() const;

  AccessVerifierConfig config_;
};

}  // namespace herald::auth
