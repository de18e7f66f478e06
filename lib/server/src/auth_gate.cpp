#include "auth_gate.hpp"

#include <stdexcept>

#include "herald/auth/access_claims.hpp"
#include "herald/auth/bearer_challenge.hpp"
#include "herald/auth/key_source.hpp"
#include "herald/auth/token_generation.hpp"
#include "herald/base/strings.hpp"
#include "origin_check.hpp"
#include "resource_metadata.hpp"

namespace herald::server {

namespace {

std::optional<auth::Verifier> load_role(const JwtRole& role, const Config& config,
                                        const char* flag) {
  if (role.key.empty()) return std::nullopt;
  auto alg = auth::parse_algorithm(role.alg);
  if (!alg) {
    throw std::invalid_argument(std::string("--") + flag +
                                "-jwt-alg: not a supported algorithm: " + role.alg);
  }
  auto keys = auth::load_verification_keys(role.key, *alg);
  if (!keys)
    throw std::invalid_argument(std::string("--") + flag + "-jwt-key: " + keys.error().message);
  auth::VerifierConfig vc;
  vc.algorithm = *alg;
  vc.keys = std::move(*keys);
  vc.max_token_bytes = config.max_token_bytes;
  auto verifier = auth::Verifier::create(std::move(vc));
  if (!verifier) {
    throw std::invalid_argument(std::string("--") + flag + "-jwt-key: " + verifier.error().message);
  }
  return std::move(*verifier);
}

std::invalid_argument issuer_error(const std::string& message) {
  return std::invalid_argument("--jwt-issuer: " + message);
}

// "ISSUER ALG KEY": the issuer and the algorithm are single words, the key is the rest (a
// secret, PEM, JWKS or @FILE, as for --jwt-key, so it may hold spaces and line breaks).
auth::TrustedIssuer parse_issuer(std::string_view spec) {
  spec = trim_ows(spec);
  const std::size_t end_of_issuer = spec.find(' ');
  const std::string_view issuer = spec.substr(0, end_of_issuer);
  std::string_view rest =
      end_of_issuer == std::string_view::npos ? "" : trim_ows(spec.substr(end_of_issuer + 1));
  const std::size_t end_of_alg = rest.find(' ');
  const std::string_view alg_name = rest.substr(0, end_of_alg);
  const std::string_view key =
      end_of_alg == std::string_view::npos ? "" : trim_ows(rest.substr(end_of_alg + 1));
  if (issuer.empty() || alg_name.empty() || key.empty()) {
    throw issuer_error(
        "expected \"ISSUER ALG KEY\" (e.g. \"https://auth.example.com EdDSA "
        "@issuer.pub.pem\")");
  }
  auto alg = auth::parse_algorithm(alg_name);
  if (!alg) {
    throw issuer_error(std::string(issuer) +
                       ": not a supported algorithm: " + std::string(alg_name));
  }
  auto keys = auth::load_verification_keys(key, *alg);
  if (!keys) throw issuer_error(std::string(issuer) + ": " + keys.error().message);
  return {std::string(issuer), *alg, std::move(*keys)};
}

std::optional<auth::AccessVerifier> load_issuers(const Config& config) {
  if (config.jwt_issuers.empty()) return std::nullopt;
  auth::AccessVerifierConfig ac;
  ac.resource = config.resource_identifier();
  ac.hub_url = config.hub_url();
  ac.max_token_bytes = config.max_token_bytes;
  for (const std::string& spec : config.jwt_issuers)
    ac.issuers.push_back(parse_issuer(spec));
  auto verifier = auth::AccessVerifier::create(std::move(ac));
  if (!verifier) throw issuer_error(verifier.error().message);
  return std::move(*verifier);
}

// Whether an Authorization header uses the Bearer scheme at all (RFC 7235: the scheme is
// case-insensitive). Another scheme (Basic, ...) presents no bearer token: RFC 6750 3.1
// answers it like a request without one, rather than as a malformed request.
bool is_bearer_scheme(std::string_view header) {
  header = trim_ows(header);
  return iequals(header.substr(0, header.find(' ')), "Bearer");
}

}  // namespace

http::Response denial_response(const Denial& denial) {
  http::Response r = http::Response::text(denial.status, denial.message);
  if (!denial.challenge.empty()) {
    r.headers.push_back({"WWW-Authenticate", denial.challenge});
  } else if (denial.status == 401) {
    r.headers.push_back(
        {"WWW-Authenticate", auth::bearer_challenge(auth::BearerError::no_token, {}, {})});
  }
  return r;
}

AuthGate::AuthGate(const Config& config)
    : publisher_(load_role(config.publisher, config, "publisher")),
      subscriber_(load_role(config.subscriber, config, "subscriber")),
      access_(load_issuers(config)),
      speaks_v0_(config.speaks_v0()),
      speaks_v1_(config.speaks_v1()),
      resource_metadata_url_(speaks_v1_ ? resource_metadata_url(config.hub_url()) : std::string()),
      cookie_name_(config.cookie_name),
      access_cookie_name_(config.access_cookie_name),
      publish_origins_(config.publish_origins),
      subscribe_origins_(config.cors_origins) {}

const auth::Verifier* AuthGate::verifier(Role role) const {
  const auto& v = role == Role::publisher ? publisher_ : subscriber_;
  return v ? &*v : nullptr;
}

bool AuthGate::has_key(Role role) const {
  return (speaks_v0_ && verifier(role) != nullptr) || (speaks_v1_ && access_);
}

Denial AuthGate::no_token(std::string message) const {
  return {401, std::move(message),
          auth::bearer_challenge(auth::BearerError::no_token, {}, resource_metadata_url_)};
}

Denial AuthGate::insufficient_scope(std::string message) const {
  std::string challenge = auth::bearer_challenge(auth::BearerError::insufficient_scope, message,
                                                 resource_metadata_url_);
  return {403, std::move(message), std::move(challenge)};
}

Denial AuthGate::invalid_token(std::string message) const {
  std::string challenge =
      auth::bearer_challenge(auth::BearerError::invalid_token, message, resource_metadata_url_);
  return {401, std::move(message), std::move(challenge)};
}

Denial AuthGate::invalid_request(std::string message) const {
  std::string challenge =
      auth::bearer_challenge(auth::BearerError::invalid_request, message, resource_metadata_url_);
  return {400, std::move(message), std::move(challenge)};
}

// The one token a request presents, by the draft's precedence: the Authorization header
// wins and cookies are then ignored; else the `authorization` query parameter (0.x); else
// the 1.0 cookie, then the 0.x one, each read only when the hub speaks its generation.
// Empty with source none: the request presents no token.
std::variant<std::string, Denial> AuthGate::token_of(const http::Request& request, Role role,
                                                     auth::TokenSource& source) const {
  auth::RequestCredentials credentials;
  credentials.query = request.query();
  std::string cookies;  // several Cookie headers are read as one
  bool has_cookie = false;
  for (const http::Header& h : request.headers) {
    if (iequals(h.name, "Authorization")) {
      // Two headers would make "which one counts" a choice an attacker could steer.
      if (credentials.authorization) return invalid_request("more than one Authorization header");
      credentials.authorization = h.value;
    } else if (iequals(h.name, "Cookie")) {
      if (has_cookie) cookies += "; ";
      cookies += h.value;
      has_cookie = true;
    }
  }
  if (has_cookie) credentials.cookie = cookies;

  auto extracted =
      auth::extract_token(credentials, speaks_v1_ ? access_cookie_name_ : cookie_name_);
  if (extracted && extracted->source == auth::TokenSource::none && speaks_v1_ && speaks_v0_ &&
      credentials.cookie) {
    extracted = auth::extract_token({std::nullopt, credentials.cookie, {}}, cookie_name_);
  }
  if (!extracted) {
    if (credentials.authorization && !is_bearer_scheme(*credentials.authorization)) {
      return no_token(extracted.error().message);
    }
    return invalid_request(extracted.error().message);
  }
  source = extracted->source;
  if (source == auth::TokenSource::cookie) {
    std::string why;
    const Cors& allowed = role == Role::publisher ? publish_origins_ : subscribe_origins_;
    if (!cookie_origin_allowed(request, allowed, why)) return Denial{403, why};
  }
  return std::move(extracted->token);
}

std::variant<auth::Claims, Denial> AuthGate::verify(const std::string& token, Role role,
                                                    auth::TokenSource source) const {
  auto generation = auth::token_generation(token);
  if (!generation) return invalid_token(generation.error().message);
  if (*generation == auth::TokenGeneration::mercure_1) {
    if (!speaks_v1_) {
      return invalid_token(
          "this hub speaks Mercure 0.x only (--protocol 0): 1.0 access tokens are not accepted");
    }
    // RFC 9700 and the draft: an access token never travels in a URL, where logs keep it.
    if (source == auth::TokenSource::query_parameter) {
      return invalid_request(
          "a Mercure 1.0 access token is not accepted in the authorization query parameter: "
          "send it in the Authorization header or the cookie");
    }
    if (!access_) return invalid_token("this hub trusts no 1.0 token issuer (--jwt-issuer)");
    auto access = access_->verify(token);
    if (!access) return invalid_token(access.error().message);
    return auth::to_claims(std::move(*access));
  }
  if (!speaks_v0_) {
    return invalid_token(
        "this hub speaks Mercure 1.0 only (--protocol 1): 0.x tokens are not accepted, present "
        "an access token (typ at+jwt)");
  }
  const auth::Verifier* v = verifier(role);
  if (v == nullptr) {
    return invalid_token(role == Role::publisher
                             ? "this hub has no 0.x publisher key (--publisher-jwt-key)"
                             : "this hub has no 0.x subscriber key (--subscriber-jwt-key)");
  }
  auto claims = v->verify(token);
  if (!claims) return invalid_token(claims.error().message);
  return std::move(*claims);
}

std::variant<Identity, Denial> AuthGate::identify(const http::Request& request, Role role) const {
  if (!has_key(role)) return Identity{};
  auth::TokenSource source = auth::TokenSource::none;
  auto token = token_of(request, role, source);
  if (auto* denial = std::get_if<Denial>(&token)) return std::move(*denial);
  if (source == auth::TokenSource::none) {
    if (role == Role::publisher) {
      return no_token(
          "publishing needs a token: a 1.0 access token or a 0.x JWT with a mercure.publish "
          "claim (Authorization: Bearer, or the cookie)");
    }
    return Identity{};
  }
  auto claims = verify(std::get<std::string>(token), role, source);
  if (auto* denial = std::get_if<Denial>(&claims)) return std::move(*denial);
  return Identity{std::make_shared<const auth::Claims>(std::move(std::get<auth::Claims>(claims))),
                  source};
}

}  // namespace herald::server
