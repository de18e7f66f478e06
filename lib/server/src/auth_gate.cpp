#include "auth_gate.hpp"

#include <stdexcept>

#include "herald/auth/key_source.hpp"
#include "herald/base/strings.hpp"
#include "origin_check.hpp"

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

}  // namespace

http::Response denial_response(const Denial& denial) {
  http::Response r = http::Response::text(denial.status, denial.message);
  if (denial.status == 401) r.headers.push_back({"WWW-Authenticate", "Bearer realm=\"herald\""});
  return r;
}

AuthGate::AuthGate(const Config& config)
    : publisher_(load_role(config.publisher, config, "publisher")),
      subscriber_(load_role(config.subscriber, config, "subscriber")),
      cookie_name_(config.cookie_name),
      publish_origins_(config.publish_origins),
      subscribe_origins_(config.cors_origins) {}

const auth::Verifier* AuthGate::verifier(Role role) const {
  const auto& v = role == Role::publisher ? publisher_ : subscriber_;
  return v ? &*v : nullptr;
}

bool AuthGate::has_key(Role role) const {
  return verifier(role) != nullptr;
}

std::variant<Identity, Denial> AuthGate::identify(const http::Request& request, Role role) const {
  const auth::Verifier* v = verifier(role);
  if (v == nullptr) return Identity{};

  auth::RequestCredentials credentials;
  credentials.query = request.query();
  std::string cookies;  // several Cookie headers are read as one
  bool has_cookie = false;
  for (const http::Header& h : request.headers) {
    if (iequals(h.name, "Authorization")) {
      // Two headers would make "which one counts" a choice an attacker could steer.
      if (credentials.authorization) return Denial{400, "more than one Authorization header"};
      credentials.authorization = h.value;
    } else if (iequals(h.name, "Cookie")) {
      if (has_cookie) cookies += "; ";
      cookies += h.value;
      has_cookie = true;
    }
  }
  if (has_cookie) credentials.cookie = cookies;

  auto extracted = auth::extract_token(credentials, cookie_name_);
  if (!extracted) return Denial{401, extracted.error().message};
  if (extracted->source == auth::TokenSource::none) return Identity{};
  if (extracted->source == auth::TokenSource::cookie) {
    std::string why;
    const Cors& allowed = role == Role::publisher ? publish_origins_ : subscribe_origins_;
    if (!cookie_origin_allowed(request, allowed, why)) return Denial{403, why};
  }
  auto claims = v->verify(extracted->token);
  if (!claims) return Denial{401, claims.error().message};
  return Identity{std::make_shared<const auth::Claims>(std::move(*claims)), extracted->source};
}

}  // namespace herald::server
