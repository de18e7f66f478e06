#include "herald/auth/verifier.hpp"

#include <cctype>

#include "herald/auth/base64url.hpp"
#include "json_util.hpp"
#include "signature.hpp"

namespace herald::auth {

namespace {

constexpr std::size_t kMaxKidBytes = 256;

Error malformed(std::string message) {
  return make_error(ErrorCode::malformed, std::move(message));
}

struct Segments {
  std::string_view header, payload, signature;
  std::string_view signing_input;  // header "." payload, as sent: what was signed
};

std::optional<Segments> split(std::string_view token) {
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;  // 5 segments is JWE, which herald does not accept
  }
  Segments s;
  s.header = token.substr(0, first);
  s.payload = token.substr(first + 1, second - first - 1);
  s.signature = token.substr(second + 1);
  s.signing_input = token.substr(0, second);
  return s;
}

// Only a short alphanumeric name is echoed into an error body.
bool is_short_word(std::string_view s) {
  if (s.empty() || s.size() > 16) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

struct Header {
  Algorithm alg;
  std::optional<std::string> kid;
};

Result<Header> parse_header(std::string_view segment, Algorithm expected) {
  auto text = base64url_decode(segment);
  if (!text) return malformed("the token header is not base64url");
  auto json = parse_json(*text);
  if (!json || !json->is_object()) return malformed("the token header is not a JSON object");
  auto alg_it = json->find("alg");
  if (alg_it == json->end() || !alg_it->is_string())
    return malformed("the token header has no alg");
  const std::string& alg_name = alg_it->get_ref<const std::string&>();
  auto alg = parse_algorithm(alg_name);
  if (!alg) {
    return make_error(ErrorCode::unsupported_algorithm,
                      is_short_word(alg_name)
                          ? "the token algorithm \"" + alg_name + "\" is not accepted"
                          : std::string("the token algorithm is not accepted"));
  }
  if (*alg != expected) {
    return make_error(ErrorCode::algorithm_mismatch, "the token is signed with " + alg_name +
                                                         ", this hub expects " +
                                                         std::string(algorithm_name(expected)));
  }
  // RFC 7515 4.1.11: extensions listed in crit must be understood; herald knows none.
  if (json->contains("crit")) {
    return make_error(ErrorCode::unsupported_algorithm,
                      "the token uses critical header extensions");
  }
  Header header{*alg, std::nullopt};
  if (auto kid = json->find("kid"); kid != json->end()) {
    if (!kid->is_string() || kid->get_ref<const std::string&>().size() > kMaxKidBytes) {
      return malformed("the token kid is not a short string");
    }
    header.kid = kid->get<std::string>();
  }
  // jku, jwk, x5u and x5c are ignored on purpose: keys come from configuration only.
  return header;
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
  if (token.size() > config_.max_token_bytes) {
    return make_error(ErrorCode::too_large, "the token is larger than " +
                                                std::to_string(config_.max_token_bytes) + " bytes");
  }
  auto segments = split(token);
  if (!segments) return malformed("the token is not three dot-separated segments (JWS compact)");
  auto header = parse_header(segments->header, config_.algorithm);
  if (!header) return header.error();

  auto key = config_.keys.select(header->kid);
  if (!key) return key.error();
  auto signature = base64url_decode(segments->signature);
  if (!signature) return malformed("the token signature is not base64url");
  if (!verify_signature(header->alg, **key, segments->signing_input, *signature)) {
    return make_error(ErrorCode::bad_signature, "the token signature does not verify");
  }

  auto payload = base64url_decode(segments->payload);
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
