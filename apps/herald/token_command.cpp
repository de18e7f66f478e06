#include "token_command.hpp"

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli_flag.hpp"
#include "duration.hpp"
#include "herald/auth/access_token_claims.hpp"
#include "herald/auth/algorithm.hpp"
#include "herald/auth/key_source.hpp"
#include "herald/auth/mercure_claims.hpp"
#include "herald/auth/signer.hpp"
#include "herald/base/uuid.hpp"

namespace herald::app {

namespace {

struct TokenFlags {
  std::string key;
  std::string alg = "HS256";
  std::vector<std::string> publish;
  std::vector<std::string> subscribe;
  std::string payload;
  std::string exp;
  std::string kid;
  // --v1: a Mercure 1.0 access token (RFC 9068, authorization_details).
  bool v1 = false;
  std::string issuer;
  std::string audience;
  std::string subject;
  std::string client_id = "herald-token";
  std::vector<std::string> publish_urlpattern;
  std::vector<std::string> subscribe_urlpattern;
};

// A 1.0 token lives an hour unless --exp says otherwise: RFC 9068 requires `exp`.
constexpr std::chrono::hours default_v1_lifetime{1};

int fail(const std::string& message) {
  std::fprintf(stderr, "herald token: %s\n", message.c_str());
  return 2;
}

std::vector<auth::TopicMatcher> matchers(const std::vector<std::string>& exact,
                                         const std::vector<std::string>& urlpattern) {
  std::vector<auth::TopicMatcher> out;
  for (const std::string& m : exact)
    out.push_back({auth::MatcherType::exact, m});
  for (const std::string& m : urlpattern)
    out.push_back({auth::MatcherType::urlpattern, m});
  return out;
}

// The claims of a Mercure 1.0 access token; an error message in `error` otherwise.
// `lifetime`: --exp, when given.
using Lifetime = std::optional<std::chrono::milliseconds>;

std::optional<std::string> access_token_claims(const TokenFlags& f, Lifetime lifetime,
                                               std::string& error) {
  if (f.issuer.empty()) {
    error = "--v1 needs --issuer ISS (the issuer the hub binds the key to)";
    return std::nullopt;
  }
  if (f.audience.empty()) {
    error =
        "--v1 needs --audience AUD (the hub's resource identifier, e.g. "
        "https://hub.example.com/.well-known/mercure)";
    return std::nullopt;
  }
  auth::AccessGrant grant;
  grant.issuer = f.issuer;
  grant.audience = f.audience;
  grant.token_id = random_urn_uuid();
  grant.subject = f.subject.empty() ? grant.token_id : f.subject;
  grant.client_id = f.client_id;
  grant.issued_at = std::chrono::system_clock::now();
  grant.expires_at = grant.issued_at + lifetime.value_or(default_v1_lifetime);
  grant.publish = matchers(f.publish, f.publish_urlpattern);
  grant.subscribe = matchers(f.subscribe, f.subscribe_urlpattern);
  grant.payload_json = f.payload;
  if (grant.publish.empty() && grant.subscribe.empty()) {
    std::fprintf(stderr,
                 "herald token: warning: no --publish or --subscribe matcher, the token "
                 "grants nothing\n");
  }
  // Relative URL patterns resolve against the hub's URL, as the hub will resolve them.
  auto claims = auth::access_claims_json(grant, f.audience);
  if (!claims) {
    error = claims.error().message;
    return std::nullopt;
  }
  return *claims;
}

// The claims of a Mercure 0.x token (the `mercure` claim).
std::optional<std::string> mercure_token_claims(const TokenFlags& f, Lifetime lifetime,
                                                std::string& error) {
  if (!f.issuer.empty() || !f.audience.empty() || !f.subject.empty() ||
      !f.publish_urlpattern.empty() || !f.subscribe_urlpattern.empty()) {
    error = "--issuer, --audience, --subject and the URL-pattern matchers are for --v1 tokens";
    return std::nullopt;
  }
  auth::MercureGrant grant;
  if (!f.publish.empty()) grant.publish = f.publish;
  if (!f.subscribe.empty()) grant.subscribe = f.subscribe;
  grant.payload_json = f.payload;
  if (lifetime) grant.expires_at = std::chrono::system_clock::now() + *lifetime;
  if (!grant.publish && !grant.subscribe) {
    std::fprintf(stderr,
                 "herald token: warning: no --publish or --subscribe, the token grants nothing\n");
  }
  auto claims = auth::mercure_claims_json(grant);
  if (!claims) {
    error = claims.error().message;
    return std::nullopt;
  }
  return *claims;
}

int run_token(const TokenFlags& f) {
  const auto alg = auth::parse_algorithm(f.alg);
  if (!alg) return fail("--alg: not a supported algorithm: " + f.alg);
  Lifetime lifetime;
  if (!f.exp.empty()) {
    lifetime = parse_duration(f.exp);
    if (!lifetime || lifetime->count() <= 0)
      return fail("--exp: not a positive duration: " + f.exp);
  }
  std::string error;
  auto claims =
      f.v1 ? access_token_claims(f, lifetime, error) : mercure_token_claims(f, lifetime, error);
  if (!claims) return fail(error);
  auto key = auth::load_signing_key(f.key, *alg);
  if (!key) return fail("--key: " + key.error().message);
  auto token = auth::sign_token(*claims, *alg, *key, f.kid, f.v1 ? "at+jwt" : "JWT");
  if (!token) return fail(token.error().message);
  std::printf("%s\n", token->c_str());
  return 0;
}

std::string algorithm_list() {
  std::string out;
  for (std::string_view name : auth::kAlgorithmNames) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

void add_token_command(CLI::App& app) {
  auto f = std::make_shared<TokenFlags>();
  CLI::App* cmd =
      app.add_subcommand("token",
                         "Mint a JWT with Mercure claims: 0.x (mercure.publish, ...), or a 1.0 "
                         "access token with --v1");
  cmd->footer(
      "Every flag can also be set as an environment variable HERALD_<FLAG>, e.g. HERALD_KEY.\n"
      "Prefer --key @FILE or HERALD_KEY to a secret on the command line (ps shows it).\n"
      "Example: herald token --key @secret.txt --publish '*' --subscribe "
      "'https://example.com/users/{id}' --exp 1h\n"
      "Mercure 1.0: herald token --v1 --key @ed25519.pem --alg EdDSA --issuer "
      "https://auth.example.com\n"
      "  --audience https://hub.example.com/.well-known/mercure --subscribe-urlpattern "
      "'https://example.com/users/:id'");
  flag(*cmd, "key", f->key,
       "Signing key: the HMAC secret, or @FILE (secret, or PEM private key for RS*/ES*)")
      ->required();
  flag(*cmd, "alg", f->alg, "Algorithm: " + algorithm_list())->capture_default_str();
  flag(*cmd, "publish", f->publish,
       "Topic selector the token may publish to (repeatable; * = all; with --v1 an exact "
       "topic matcher)");
  flag(*cmd, "subscribe", f->subscribe,
       "Topic selector whose private updates the token may receive (repeatable; with --v1 an "
       "exact topic matcher)");
  flag(*cmd, "payload", f->payload, "JSON value for mercure.payload");
  flag(*cmd, "exp", f->exp, "Lifetime: exp = now + DURATION (15s, 10m, 1h, 24h); none if absent");
  flag(*cmd, "kid", f->kid, "Key id written in the token header");
  cmd->add_flag("--v1", f->v1,
                "Mint a Mercure 1.0 access token (RFC 9068: typ at+jwt, iss, aud, sub, "
                "client_id, iat, exp (1h unless --exp), jti, and authorization_details); "
                "--publish and --subscribe are then exact topic matchers")
      ->envname("HERALD_V1");
  flag(*cmd, "issuer", f->issuer, "--v1: iss, the issuer the hub binds the verification key to");
  flag(*cmd, "audience", f->audience,
       "--v1: aud, the hub's resource identifier (e.g. "
       "https://hub.example.com/.well-known/mercure); relative URL patterns resolve against it");
  flag(*cmd, "subject", f->subject, "--v1: sub, who the token is for (default: its jti)");
  flag(*cmd, "client-id", f->client_id, "--v1: client_id")->capture_default_str();
  flag(*cmd, "publish-urlpattern", f->publish_urlpattern,
       "--v1: URL pattern of topics the token may publish to (repeatable)");
  flag(*cmd, "subscribe-urlpattern", f->subscribe_urlpattern,
       "--v1: URL pattern of topics whose private updates the token may receive (repeatable)");
  cmd->callback([f] { throw CLI::RuntimeError(run_token(*f)); });
}

}  // namespace herald::app
