#include "token_command.hpp"

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli_flag.hpp"
#include "duration.hpp"
#include "herald/auth/algorithm.hpp"
#include "herald/auth/key_source.hpp"
#include "herald/auth/mercure_claims.hpp"
#include "herald/auth/signer.hpp"

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
};

int fail(const std::string& message) {
  std::fprintf(stderr, "herald token: %s\n", message.c_str());
  return 2;
}

int run_token(const TokenFlags& f) {
  const auto alg = auth::parse_algorithm(f.alg);
  if (!alg) return fail("--alg: not a supported algorithm: " + f.alg);

  auth::MercureGrant grant;
  if (!f.publish.empty()) grant.publish = f.publish;
  if (!f.subscribe.empty()) grant.subscribe = f.subscribe;
  grant.payload_json = f.payload;
  if (!f.exp.empty()) {
    const auto lifetime = parse_duration(f.exp);
    if (!lifetime || lifetime->count() <= 0)
      return fail("--exp: not a positive duration: " + f.exp);
    grant.expires_at = std::chrono::system_clock::now() + *lifetime;
  }
  if (!grant.publish && !grant.subscribe) {
    std::fprintf(stderr,
                 "herald token: warning: no --publish or --subscribe, the token grants nothing\n");
  }

  auto claims = auth::mercure_claims_json(grant);
  if (!claims) return fail(claims.error().message);
  auto key = auth::load_signing_key(f.key, *alg);
  if (!key) return fail("--key: " + key.error().message);
  auto token = auth::sign_token(*claims, *alg, *key, f.kid);
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
      app.add_subcommand("token", "Mint a JWT with Mercure claims (mercure.publish, ...)");
  cmd->footer(
      "Every flag can also be set as an environment variable HERALD_<FLAG>, e.g. HERALD_KEY.\n"
      "Prefer --key @FILE or HERALD_KEY to a secret on the command line (ps shows it).\n"
      "Example: herald token --key @secret.txt --publish '*' --subscribe "
      "'https://example.com/users/{id}' --exp 1h");
  flag(*cmd, "key", f->key,
       "Signing key: the HMAC secret, or @FILE (secret, or PEM private key for RS*/ES*)")
      ->required();
  flag(*cmd, "alg", f->alg, "Algorithm: " + algorithm_list())->capture_default_str();
  flag(*cmd, "publish", f->publish,
       "Topic selector the token may publish to (repeatable; * = all)");
  flag(*cmd, "subscribe", f->subscribe,
       "Topic selector whose private updates the token may receive (repeatable)");
  flag(*cmd, "payload", f->payload, "JSON value for mercure.payload");
  flag(*cmd, "exp", f->exp, "Lifetime: exp = now + DURATION (15s, 10m, 1h, 24h); none if absent");
  flag(*cmd, "kid", f->kid, "Key id written in the token header");
  cmd->callback([f] { throw CLI::RuntimeError(run_token(*f)); });
}

}  // namespace herald::app
