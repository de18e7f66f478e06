#include "herald/auth/verifier.hpp"

#include "herald/auth/base64url.hpp"
#include "jws.hpp"
#include "signature.hpp"

namespace herald::auth {

namespace {

Error malformed(std::string message) {
  return make_error(ErrorCode::malformed, std::move(message));
}

}  // namespace

Result<Verifier> Verifier::create(VerifierConfig config) {
  if (config.keys.empty()) return make_error(ErrorCode::invalid_key, "no key is configured");
  for (const Key& key : config.keys.keys()) {
    std::string why;
    if (!key.fits(config.algorithm, &why)) return make_error(ErrorCode::invalid_key, why);
  }
  return Verifier(std::move(config));
}

std::chrono::system_clock::time_point Verifier::now() const {
  return config_.clock ? config_.clock() : std::chrono::system_clock::now();
}

Result<Claims> Verifier::verify(std::string_view token) const {
  auto jws = read_jws(token, config_.max_token_bytes);
  if (!jws) return jws.error();
  const JwsSegments& segments = jws->segments;
  const JoseHeader& header = jws->header;
  if (header.alg != config_.algorithm) {
    return make_error(ErrorCode::algorithm_mismatch,
                      "the token is signed with " + std::string(algorithm_name(header.alg)) +
                          ", this hub expects " + std::string(algorithm_name(config_.algorithm)));
  }
  // A 1.0 access token is checked by AccessVerifier, with its issuer and audience; under
  // 0.x rules it would be accepted without either.
  if (header.typ && is_access_token_type(*header.typ)) {
    return make_error(ErrorCode::wrong_generation,
                      "the token is a Mercure 1.0 access token (typ at+jwt), not a 0.x token");
  }

  auto key = config_.keys.select(header.kid);
  if (!key) return key.error();
  auto signature = base64url_decode(segments.signature);
  if (!signature) return malformed("the token signature is not base64url");
  if (!verify_signature(header.alg, **key, segments.signing_input, *signature)) {
    return make_error(ErrorCode::bad_signature, "the token signature does not verify");
  }

  auto payload = base64url_decode(segments.payload);
  if (!payload) return malformed("the token payload is not base64url");
  auto claims = parse_claims(*payload, config_.claims_limits);
  if (!claims) return claims.error();

  const auto t = now();
  if (claims->expires_at) {
    if (t >= *claims->expires_at + config_.leeway) {
      return make_error(ErrorCode::expired, "the token has expired");
    }
  } else if (config_.require_exp) {
    return make_error(ErrorCode::invalid_claims, "the token has no exp");
  }
  if (claims->not_before && t + config_.leeway < *claims->not_before) {
    return make_error(ErrorCode::not_yet_valid, "the token is not valid yet (nbf)");
  }
  return claims;
}

}  // namespace herald::auth
