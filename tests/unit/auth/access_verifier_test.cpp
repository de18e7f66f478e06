// AccessVerifier: the draft's "Token Validation", one rule per test, each shown to fail.
#include "herald/auth/access_verifier.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "access_token_maker.hpp"
#include "herald/auth/jwks.hpp"
#include "herald/auth/key_source.hpp"
#include "herald/auth/verifier.hpp"
#include "test_keys.hpp"
#include "token_maker.hpp"

namespace herald::auth {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using std::chrono::system_clock;
using test::access_claims;
using test::ed25519_token;
using test::kIssuerA;
using test::kIssuerB;
using test::kNow;
using test::kResource;
using test::mint;

const test::KeyPair& key_a() {
  return test::ed25519_key(0);
}
const test::KeyPair& key_b() {
  return test::ed25519_key(1);
}
const test::KeyPair& attacker() {
  return test::ed25519_key(2);
}

TrustedIssuer issuer(std::string_view name, Algorithm alg, std::string_view spec) {
  auto keys = load_verification_keys(spec, alg);
  EXPECT_TRUE(keys) << keys.error().message;
  return {std::string(name), alg, keys ? std::move(*keys) : KeySet()};
}

AccessVerifierConfig config() {
  AccessVerifierConfig c;
  c.resource = std::string(kResource);
  c.issuers.push_back(issuer(kIssuerA, Algorithm::EdDSA, key_a().public_pem));
  c.issuers.push_back(issuer(kIssuerA, Algorithm::ES256, test::ec_key("P-256").public_pem));
  c.issuers.push_back(issuer(kIssuerB, Algorithm::EdDSA, key_b().public_pem));
  c.hub_url = std::string(test::kHubUrl);
  c.clock = [] { return system_clock::time_point(seconds(kNow)); };
  return c;
}

AccessVerifier verifier(AccessVerifierConfig c = config()) {
  auto v = AccessVerifier::create(std::move(c));
  EXPECT_TRUE(v) << v.error().message;
  return std::move(*v);
}

// The refusal of `token`, whose message must not be empty.
Error refusal(std::string_view token, const AccessVerifier& v = verifier()) {
  auto result = v.verify(token);
  EXPECT_FALSE(result) << "accepted: " << token;
  if (result) return make_error(ErrorCode::invalid_key, "accepted");
  EXPECT_FALSE(result.error().message.empty());
  return result.error();
}

std::string header(std::string_view typ, std::string_view alg = "EdDSA") {
  return R"({"alg":")" + std::string(alg) + R"(","typ":")" + std::string(typ) + R"("})";
}

TEST(AccessVerifier, AcceptsTheDraftExample) {
  auto claims = verifier().verify(mint(access_claims(), key_a()));
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->issuer, kIssuerA);
  EXPECT_EQ(claims->subject, "urn:uuid:bb3de268-05b0-4c65-b44e-8f9acefc29d6");
  EXPECT_EQ(claims->client_id, "https://example.com");
  EXPECT_EQ(claims->token_id, "urn:uuid:e70ff8d7-59d5-4a92-b0b7-505e8f6d09fa");
  EXPECT_EQ(claims->audiences, std::vector<std::string>{std::string(kResource)});
  EXPECT_EQ(claims->expires_at, system_clock::time_point(seconds(1767225600)));
  EXPECT_EQ(claims->issued_at, system_clock::time_point(seconds(1767225300)));
  EXPECT_TRUE(claims->grants.publish.empty());
  ASSERT_EQ(claims->grants.subscribe.size(), 1u);
  EXPECT_EQ(claims->grants.subscribe[0],
            (TopicMatcher{MatcherType::urlpattern, "https://example.com/books/:id"}));
}

TEST(AccessVerifier, TypMustBeAtJwt) {
  const json claims = access_claims();
  const Error missing = refusal(ed25519_token(R"({"alg":"EdDSA"})", claims, key_a()));
  EXPECT_EQ(missing.code, ErrorCode::invalid_type);
  EXPECT_EQ(missing.message, "the token is not an access token (typ at+jwt)");
  // An ID token, a plain JWT, a look-alike, a typ of another JSON type.
  for (const char* typ :
       {"JWT", "JOSE", "jwt", "application/jwt", "at+jwt; x=y", "at+jw", "xapplication/at+jwt",
        "application/", "application/application/at+jwt", "at+jwt "}) {
    EXPECT_EQ(refusal(mint(claims, key_a(), Algorithm::EdDSA, typ)).code, ErrorCode::invalid_type)
        << typ;
  }
  EXPECT_EQ(refusal(ed25519_token(R"({"alg":"EdDSA","typ":7})", claims, key_a())).code,
            ErrorCode::invalid_type);
  // RFC 7515 4.1.9: the application/ prefix may be written or left out, in any case.
  for (const char* typ : {"at+jwt", "application/at+jwt", "AT+JWT", "Application/At+JWT"}) {
    auto accepted = verifier().verify(mint(claims, key_a(), Algorithm::EdDSA, typ));
    EXPECT_TRUE(accepted) << typ << ": " << accepted.error().message;
  }
}

TEST(AccessVerifier, AudienceMustNameThisHub) {
  json claims = access_claims();
  auto with_aud = [&](json aud) {
    claims["aud"] = std::move(aud);
    return mint(claims, key_a());
  };
  EXPECT_TRUE(verifier().verify(with_aud(json::array({"https://other.example", kResource}))));
  for (const json& aud :
       {json("https://other.example/.well-known/mercure"), json(std::string(kResource) + "/"),
        json("HTTPS://HUB.EXAMPLE.COM/.well-known/mercure"), json::array(),
        json::array({"https://other.example"})}) {
    const Error e = refusal(with_aud(aud));
    EXPECT_EQ(e.code, ErrorCode::invalid_audience) << aud;
    EXPECT_EQ(e.message, "the token audience (aud) is not this hub");
  }
  claims.erase("aud");
  EXPECT_EQ(refusal(mint(claims, key_a())).code, ErrorCode::invalid_audience);
  EXPECT_EQ(refusal(with_aud(json::array({kResource, 7}))).code, ErrorCode::invalid_claims);
  EXPECT_EQ(refusal(with_aud(json::object({{"aud", kResource}}))).code, ErrorCode::invalid_claims);
}

TEST(AccessVerifier, IssuerMustBeTrusted) {
  json claims = access_claims();
  claims["iss"] = "https://c.example.com";
  Error e = refusal(mint(claims, key_a()));
  EXPECT_EQ(e.code, ErrorCode::untrusted_issuer);
  EXPECT_EQ(e.message, "the token issuer is not trusted by this hub");
  claims["iss"] = std::string(kIssuerA) + "/";  // compared exactly
  EXPECT_EQ(refusal(mint(claims, key_a())).code, ErrorCode::untrusted_issuer);
  claims["iss"] = 42;
  EXPECT_EQ(refusal(mint(claims, key_a())).code, ErrorCode::untrusted_issuer);
  claims.erase("iss");
  e = refusal(mint(claims, key_a()));
  EXPECT_EQ(e.code, ErrorCode::untrusted_issuer);
  EXPECT_EQ(e.message, "the token has no iss");
}

TEST(AccessVerifier, AKeyOfIssuerANeverVouchesForIssuerB) {
  json claims = access_claims();
  // Signed by A, and A's own claim verifies: the signature itself is good.
  ASSERT_TRUE(verifier().verify(mint(claims, key_a())));
  // The same signer claiming to be B is checked with B's key only.
  claims["iss"] = kIssuerB;
  EXPECT_EQ(refusal(mint(claims, key_a())).code, ErrorCode::bad_signature);
  // Even when A's key is the only one in the whole configuration that would verify it, and
  // when its kid names A's key: B's set has no such kid.
  AccessVerifierConfig c = config();
  auto a_keys = parse_jwks("{\"keys\":[" + test::jwk(key_a(), "a1") + "]}", Algorithm::EdDSA);
  auto b_keys = parse_jwks("{\"keys\":[" + test::jwk(key_b(), "b1") + "]}", Algorithm::EdDSA);
  ASSERT_TRUE(a_keys && b_keys);
  c.issuers = {{std::string(kIssuerA), Algorithm::EdDSA, std::move(*a_keys)},
               {std::string(kIssuerB), Algorithm::EdDSA, std::move(*b_keys)}};
  const AccessVerifier by_kid = verifier(std::move(c));
  const std::string as_b = mint(claims, key_a(), Algorithm::EdDSA, "at+jwt", "a1");
  EXPECT_EQ(refusal(as_b, by_kid).code, ErrorCode::unknown_key);
  claims["iss"] = kIssuerA;
  EXPECT_TRUE(by_kid.verify(mint(claims, key_a(), Algorithm::EdDSA, "at+jwt", "a1")));
  // And B's key does not vouch for A.
  EXPECT_EQ(refusal(mint(claims, key_b())).code, ErrorCode::bad_signature);
}

TEST(AccessVerifier, ExpIsRequiredAndEnforced) {
  json claims = access_claims();
  claims.erase("exp");
  const Error e = refusal(mint(claims, key_a()));
  EXPECT_EQ(e.code, ErrorCode::invalid_claims);
  EXPECT_EQ(e.message, "the token has no exp");
  claims["exp"] = kNow - 6;  // beyond the 5 s leeway
  EXPECT_EQ(refusal(mint(claims, key_a())).code, ErrorCode::expired);
  claims["exp"] = kNow - 4;
  EXPECT_TRUE(verifier().verify(mint(claims, key_a())));
  claims["exp"] = "tomorrow";
  EXPECT_EQ(refusal(mint(claims, key_a())).code, ErrorCode::invalid_claims);
  claims["exp"] = kNow + 60;
  claims["nbf"] = kNow + 60;
  EXPECT_EQ(refusal(mint(claims, key_a())).code, ErrorCode::not_yet_valid);
}

TEST(AccessVerifier, RefusesAlgNone) {
  const json claims = access_claims();
  for (const char* alg : {"none", "None", "NONE"}) {
    const std::string unsigned_token =
        base64url_encode(header("at+jwt", alg)) + "." + base64url_encode(claims.dump()) + ".";
    EXPECT_EQ(refusal(unsigned_token).code, ErrorCode::unsupported_algorithm) << alg;
  }
}

TEST(AccessVerifier, AlgorithmMustBeOneOfTheIssuersOwn) {
  json claims = access_claims();
  // B signs with EdDSA only: an ES256 token claiming B is refused before any key is tried.
  claims["iss"] = kIssuerB;
  const Error e = refusal(mint(claims, test::ec_key("P-256"), Algorithm::ES256));
  EXPECT_EQ(e.code, ErrorCode::algorithm_mismatch);
  EXPECT_EQ(e.message, "the token is signed with ES256, its issuer's keys are for EdDSA");
  // A signs with both.
  claims["iss"] = kIssuerA;
  EXPECT_TRUE(verifier().verify(mint(claims, test::ec_key("P-256"), Algorithm::ES256)));
  // The classic confusion: the issuer's public key used as an HMAC secret.
  const std::string hs256 =
      test::hmac_token(header("at+jwt", "HS256"), claims.dump(), key_a().public_pem);
  const Error confused = refusal(hs256);
  EXPECT_EQ(confused.code, ErrorCode::algorithm_mismatch);
  EXPECT_EQ(confused.message,
            "the token is signed with HS256, its issuer's keys are for EdDSA, ES256");
  // An EdDSA header over an ES256 signature by A's EC key.
  const std::string es = mint(claims, test::ec_key("P-256"), Algorithm::ES256);
  const std::string relabeled = base64url_encode(header("at+jwt")) + es.substr(es.find('.'));
  EXPECT_EQ(refusal(relabeled).code, ErrorCode::bad_signature);
}

TEST(AccessVerifier, NeverTakesAKeyFromTheToken) {
  const json claims = access_claims();  // iss A
  const std::string embedded = test::jwk(attacker(), "");
  for (const std::string& extra :
       {R"("jwk":)" + embedded, std::string(R"("jku":"https://attacker.example/jwks.json")"),
        std::string(R"("x5u":"https://attacker.example/cert.pem")"),
        std::string(R"("x5c":["MIIB"])")}) {
    const std::string h = R"({"alg":"EdDSA","typ":"at+jwt",)" + extra + "}";
    EXPECT_EQ(refusal(ed25519_token(h, claims, attacker())).code, ErrorCode::bad_signature)
        << extra;
    // The same header on a token A really signed: the members are ignored, not trusted.
    EXPECT_TRUE(verifier().verify(ed25519_token(h, claims, key_a()))) << extra;
  }
  EXPECT_EQ(
      refusal(ed25519_token(R"({"alg":"EdDSA","typ":"at+jwt","crit":["exp"]})", claims, key_a()))
          .code,
      ErrorCode::unsupported_algorithm);
}

TEST(AccessVerifier, OneTokenSpeaksOneGeneration) {
  json claims = access_claims();
  claims["mercure"] = {{"subscribe", {"*"}}};
  Error e = refusal(mint(claims, key_a()));
  EXPECT_EQ(e.code, ErrorCode::wrong_generation);
  EXPECT_EQ(e.message,
            "the token mixes Mercure generations: a 0.x \"mercure\" claim and a 1.0 access token "
            "(typ at+jwt or authorization_details)");
  claims.erase("authorization_details");
  EXPECT_EQ(refusal(mint(claims, key_a())).code, ErrorCode::wrong_generation);
}

TEST(AccessVerifier, AnInvalidDetailRefusesTheWholeToken) {
  json claims = access_claims();
  claims["authorization_details"].push_back(
      {{"type", "https://mercure.rocks/authorization-detail"},
       {"actions", {"publish"}},
       {"topics", {{{"match", "https://example.com/x"}, {"match_type", "regex"}}}}});
  const Error e = refusal(mint(claims, key_a()));
  EXPECT_EQ(e.code, ErrorCode::invalid_claims);
  EXPECT_EQ(
      e.message,
      "authorization_details: unsupported match_type (this hub supports exact and urlpattern)");
}

TEST(AccessVerifier, UrlPatternsAreCompiledAgainstTheHubUrl) {
  json claims = access_claims();
  claims["authorization_details"][0]["topics"] = {
      {{"match", "/.well-known/mercure/subscriptions/:topic/:subscriber"},
       {"match_type", "urlpattern"}}};
  EXPECT_TRUE(verifier().verify(mint(claims, key_a())));
  claims["authorization_details"][0]["topics"] = {
      {{"match", "https://example.com/books/(\\d+"}, {"match_type", "urlpattern"}}};
  const Error e = refusal(mint(claims, key_a()));
  EXPECT_EQ(e.code, ErrorCode::invalid_claims);
  EXPECT_EQ(e.message.rfind("authorization_details: a URL pattern is invalid: ", 0), 0u)
      << e.message;
}

TEST(AccessVerifier, OversizedTokens) {
  json claims = access_claims();
  claims["padding"] = std::string(9000, 'x');
  EXPECT_EQ(refusal(mint(claims, key_a())).code, ErrorCode::too_large);
}

TEST(AccessVerifier, CreateRefusesIncompleteConfigurations) {
  auto refused = [](AccessVerifierConfig c, std::string_view message) {
    auto v = AccessVerifier::create(std::move(c));
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, ErrorCode::invalid_key);
    EXPECT_EQ(v.error().message, message);
  };
  AccessVerifierConfig c = config();
  c.resource.clear();
  refused(c, "no resource identifier is configured");
  c = config();
  c.issuers.clear();
  refused(c, "no trusted issuer is configured");
  c = config();
  c.issuers.push_back(issuer(kIssuerA, Algorithm::EdDSA, key_b().public_pem));
  refused(c, "issuer https://a.example.com is configured twice for EdDSA");
  c = config();
  c.issuers[0].keys = KeySet();
  refused(c, "issuer https://a.example.com has no key");
  c = config();
  c.issuers[0].algorithm = Algorithm::ES256;
  c.issuers.erase(c.issuers.begin() + 1);
  refused(c, "issuer https://a.example.com: ES256 needs an EC key, not an Ed25519 key");
  c = config();
  c.issuers[0].issuer.clear();
  refused(c, "a trusted issuer has an empty name");
}

// The 0.x verifier never takes a 1.0 token: it would skip the issuer and audience checks.
TEST(AccessVerifier, TheLegacyVerifierRefusesAccessTokens) {
  auto keys = load_verification_keys(key_a().public_pem, Algorithm::EdDSA);
  ASSERT_TRUE(keys);
  VerifierConfig legacy;
  legacy.algorithm = Algorithm::EdDSA;
  legacy.keys = std::move(*keys);
  legacy.clock = [] { return system_clock::time_point(seconds(kNow)); };
  auto v = Verifier::create(std::move(legacy));
  ASSERT_TRUE(v);
  json claims = access_claims();
  auto typed = v->verify(mint(claims, key_a()));
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().code, ErrorCode::wrong_generation);
  EXPECT_EQ(typed.error().message,
            "the token is a Mercure 1.0 access token (typ at+jwt), not a 0.x token");
  auto untyped = v->verify(mint(claims, key_a(), Algorithm::EdDSA, "JWT"));
  ASSERT_FALSE(untyped);
  EXPECT_EQ(untyped.error().code, ErrorCode::wrong_generation);
  EXPECT_EQ(untyped.error().message,
            "the token carries authorization_details: it is a Mercure 1.0 access token, not a "
            "0.x token");
  claims["mercure"] = {{"publish", {"*"}}};
  auto both = v->verify(mint(claims, key_a(), Algorithm::EdDSA, "JWT"));
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().code, ErrorCode::wrong_generation);
  // The 0.x claims alone still verify with an EdDSA key.
  claims.erase("authorization_details");
  EXPECT_TRUE(v->verify(mint(claims, key_a(), Algorithm::EdDSA, "JWT")));
}

}  // namespace
}  // namespace herald::auth
