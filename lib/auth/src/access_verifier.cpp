#include "herald/auth/access_verifier.hpp"

#include <algorithm>

#include "access_claims_json.hpp"
#include "herald/auth/base64url.hpp"
#include "json_util.hpp"
#include "jws.hpp"
#include "signature.hpp"

namespace herald::auth {

namespace {

Error malformed(std::string message) {
  return make_error(ErrorCode::malformed, std::move(message));
}

Error config_error(std::string message) {
  return make_error(ErrorCode::invalid_key, std::move(message));
}

// The algorithms `issuer` signs with, for the refusal of any other ("ES256, EdDSA").
std::string algorithms_of(const std::vector<TrustedIssuer>& issuers, std::string_view issuer) {
  std::string names;
  for (const TrustedIssuer& trusted : issuers) {
    if (trusted.issuer != issuer) continue;
    if (!names.empty()) names += ", ";
    names += algorithm_name(trusted.algorithm);
  }
  return names;
}

}  // namespace

Result<AccessVerifier> AccessVerifier::create(AccessVerifierConfig config) {
  if (config.resource.empty()) return config_error("no resource identifier is configured");
  if (config.issuers.empty()) return config_error("no trusted issuer is configured");
  for (std::size_t i = 0; i < config.issuers.size(); ++i) {
    const TrustedIssuer& trusted = config.issuers[i];
    if (trusted.issuer.empty()) return config_error("a trusted issuer has an empty name");
    if (trusted.keys.empty()) return config_error("issuer " + trusted.issuer + " has no key");
    for (std::size_t j = 0; j < i; ++j) {
      if (config.issuers[j].issuer == trusted.issuer &&
          config.issuers[j].algorithm == trusted.algorithm) {
        // Two sets would leave a kid-less token two candidate keys: give them as one set.
        return config_error("issuer " + trusted.issuer + " is configured twice for " +
                            std::string(algorithm_name(trusted.algorithm)));
      }
    }
    for (const Key& key : trusted.keys.keys()) {
      std::string why;
      if (!key.fits(trusted.algorithm, &why)) {
        return config_error("issuer " + trusted.issuer + ": " + why);
      }
    }
  }
  return AccessVerifier(std::move(config));
}

std::chrono::system_clock::time_point AccessVerifier::now() const {
  return config_.clock ? config_.clock() : std::chrono::system_clock::now();
}

Result<AccessClaims> AccessVerifier::verify(std::string_view token) const {
  auto jws = read_jws(token, config_.max_token_bytes);
  if (!jws) return jws.error();
  const JwsSegments& segments = jws->segments;
  const JoseHeader& header = jws->header;
  // RFC 9068 2.1: without it, an ID token or any other JWT from the same issuer would pass.
  if (!header.typ || !is_access_token_type(*header.typ)) {
    return make_error(ErrorCode::invalid_type, "the token is not an access token (typ at+jwt)");
  }

  // The draft binds keys to issuers and requires checking with the keys of the token's own
  // `iss` only, so `iss` is read before the signature; nothing else is acted on until the
  // signature verifies.
  auto payload_text = base64url_decode(segments.payload);
  if (!payload_text) return malformed("the token payload is not base64url");
  auto payload = parse_json(*payload_text);
  if (!payload || !payload->is_object()) {
    return malformed("the token's claims are not a JSON object");
  }
  auto iss = payload->find("iss");
  if (iss == payload->end() || !iss->is_string()) {
    return make_error(ErrorCode::untrusted_issuer, "the token has no iss");
  }
  const std::string& issuer = iss->get_ref<const std::string&>();
  auto trusted = std::find_if(
      config_.issuers.begin(), config_.issuers.end(),
      [&](const TrustedIssuer& t) { return t.issuer == issuer && t.algorithm == header.alg; });
  if (trusted == config_.issuers.end()) {
    const std::string algorithms = algorithms_of(config_.issuers, issuer);
    // The issuer is not echoed: it is the token's text, not the hub's.
    if (algorithms.empty()) {
      return make_error(ErrorCode::untrusted_issuer, "the token issuer is not trusted by this hub");
    }
    return make_error(ErrorCode::algorithm_mismatch,
                      "the token is signed with " + std::string(algorithm_name(header.alg)) +
                          ", its issuer's keys are for " + algorithms);
  }
  auto key = trusted->keys.select(header.kid);
  if (!key) return key.error();
  auto signature = base64url_decode(segments.signature);
  if (!signature) return malformed("the token signature is not base64url");
  if (!verify_signature(header.alg, **key, segments.signing_input, *signature)) {
    return make_error(ErrorCode::bad_signature, "the token signature does not verify");
  }

  auto claims = access_claims_from_json(*payload, config_.limits, config_.hub_url);
  if (!claims) return claims.error();
  if (std::find(claims->audiences.begin(), claims->audiences.end(), config_.resource) ==
      claims->audiences.end()) {
    return make_error(ErrorCode::invalid_audience, "the token audience (aud) is not this hub");
  }
  const auto t = now();
  // RFC 9068 2.2 and the draft: an access token without exp is refused.
  if (!claims->expires_at) return make_error(ErrorCode::invalid_claims, "the token has no exp");
  if (t >= *claims->expires_at + config_.leeway) {
    return make_error(ErrorCode::expired, "the token has expired");
  }
  if (claims->not_before && t + config_.leeway < *claims->not_before) {
    return make_error(ErrorCode::not_yet_valid, "the token is not valid yet (nbf)");
  }
  return claims;
}

}  // namespace herald::auth
