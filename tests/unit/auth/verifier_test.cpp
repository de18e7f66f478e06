// Verifier: what it refuses, and in which words.
#include "herald/auth/verifier.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "herald/auth/base64url.hpp"
#include "herald/auth/jwks.hpp"
#include "herald/auth/key_source.hpp"
#include "test_keys.hpp"
#include "token_maker.hpp"

namespace herald::auth {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;
using test::hmac_token;
using test::hmac_token_raw;

constexpr std::string_view kSecret = "a-test-secret-0123456789abcdef0123";
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::int64_t kNow = 1'700'000'000;

Verifier make_verifier(std::string_view spec, Algorithm alg, seconds leeway = seconds(5),
                       bool require_exp = false) {
  auto keys = load_verification_keys(spec, alg);
  EXPECT_TRUE(keys) << keys.error().message;
  VerifierConfig config;
  config.algorithm = alg;
  config.keys = std::move(*keys);
  config.leeway = leeway;
  config.require_exp = require_exp;
  config.clock = [] { return system_clock::time_point(seconds(kNow)); };
  auto verifier = Verifier::create(std::move(config));
  EXPECT_TRUE(verifier) << verifier.error().message;
  return std::move(*verifier);
}

Verifier hs256(seconds leeway = seconds(5), bool require_exp = false) {
  return make_verifier(kSecret, Algorithm::HS256, leeway, require_exp);
}

ErrorCode failure(const Verifier& v, std::string_view token) {
  auto result = v.verify(token);
  EXPECT_FALSE(result) << "accepted: " << token;
  if (result) return ErrorCode::invalid_key;  // any code the caller does not expect
  EXPECT_FALSE(result.error().message.empty());
  return result.error().code;
}

std::string with_time(std::string_view member, std::int64_t offset) {
  return hmac_token(
      kHeader, "{\"" + std::string(member) + "\":" + std::to_string(kNow + offset) + "}", kSecret);
}

// The demo token of Mercure's documentation ("Publishing", docs/getting-started.md), signed
// with the dev key every Mercure tutorial starts from.
TEST(Verifier, AcceptsTheMercureDocumentationToken) {
  const std::string token =
      "eyJhbGciOiJIUzI1NiJ9.eyJtZXJjdXJlIjp7InB1Ymxpc2giOlsiKiJdLCJzdWJzY3JpYmUiOlsiaHR0cHM6Ly9l"
      "eGFtcGxlLmNvbS9teS1wcml2YXRlLXRvcGljIiwie3NjaGVtZX06Ly97K2hvc3R9L2RlbW8vYm9va3Mve2lkfS5qc2"
      "9ubGQiLCIvLndlbGwta25vd24vbWVyY3VyZS9zdWJzY3JpcHRpb25zey90b3BpY317L3N1YnNjcmliZXJ9Il0sInBh"
      "eWxvYWQiOnsidXNlciI6Imh0dHBzOi8vZXhhbXBsZS5jb20vdXNlcnMvZHVuZ2xhcyIsInJlbW90ZUFkZHIiOiIxMj"
      "cuMC4wLjEifX19.KKPIikwUzRuB3DTpVw6ajzwSChwFw5omBMmMcWKiDcM";
  const Verifier v = make_verifier("!ChangeThisMercureHubJWTSecretKey!", Algorithm::HS256);
  auto claims = v.verify(token);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_TRUE(claims->has_publish);
  EXPECT_TRUE(claims->publish.matches("https://example.com/books/1"));
  EXPECT_TRUE(claims->subscribe.matches("https://example.com/my-private-topic"));
  EXPECT_TRUE(claims->subscribe.matches("https://example.com/demo/books/7.jsonld"));
  EXPECT_FALSE(claims->subscribe.matches("https://example.com/other"));
  EXPECT_EQ(claims->payload,
            R"({"user":"https://example.com/users/dunglas","remoteAddr":"127.0.0.1"})");
  EXPECT_FALSE(claims->expires_at);

  // The same token under another key is refused.
  EXPECT_EQ(failure(make_verifier("!ChangeMe!", Algorithm::HS256), token),
            ErrorCode::bad_signature);
}

TEST(Verifier, RefusesAlgNone) {
  const Verifier v = hs256();
  const std::string payload = base64url_encode(R"({"mercure":{"publish":["*"]}})");
  for (std::string_view alg : {"none", "None", "NONE", "nOnE"}) {
    const std::string header = base64url_encode(R"({"alg":")" + std::string(alg) + R"("})");
    EXPECT_EQ(failure(v, header + "." + payload + "."), ErrorCode::unsupported_algorithm) << alg;
    // ... even with a signature that would verify under the configured key.
    EXPECT_EQ(failure(v, hmac_token_raw(header, payload, kSecret)),
              ErrorCode::unsupported_algorithm);
  }
  auto result = v.verify(base64url_encode(R"({"alg":"none"})") + "." + payload + ".");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "the token algorithm \"none\" is not accepted");
}

TEST(Verifier, RefusesUnknownAlgorithmsWithoutEchoingThem) {
  const Verifier v = hs256();
  auto result = v.verify(hmac_token(R"({"alg":"<script>alert(1)</script>"})", "{}", kSecret));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::unsupported_algorithm);
  EXPECT_EQ(result.error().message.find('<'), std::string::npos);
  EXPECT_EQ(failure(v, hmac_token(R"({"alg":"hs256"})", "{}", kSecret)),
            ErrorCode::unsupported_algorithm);  // names are case-sensitive
  EXPECT_EQ(failure(v, hmac_token(R"({"alg":"PS256"})", "{}", kSecret)),
            ErrorCode::unsupported_algorithm);
  EXPECT_EQ(failure(v, hmac_token(R"({"alg":"Ed448"})", "{}", kSecret)),
            ErrorCode::unsupported_algorithm);
}

TEST(Verifier, RefusesAnyAlgorithmButTheConfiguredOne) {
  // Same secret, stronger hash: still not what this hub was configured for.
  const std::string hs512 = hmac_token(R"({"alg":"HS512"})", "{}", kSecret, "SHA512");
  auto result = hs256().verify(hs512);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::algorithm_mismatch);
  EXPECT_EQ(result.error().message, "the token is signed with HS512, this hub expects HS256");
  // And the other way round.
  const Verifier v512 = make_verifier(kSecret, Algorithm::HS512);
  EXPECT_TRUE(v512.verify(hs512));
  EXPECT_EQ(failure(v512, hmac_token(kHeader, "{}", kSecret)), ErrorCode::algorithm_mismatch);
}

// The classic attack: the hub verifies RS256 with a public key; the attacker, who knows the
// public key, signs HS256 with the PEM text as the HMAC secret.
TEST(Verifier, RefusesHmacTokensSignedWithTheRsaPublicKey) {
  const std::string& pem = test::rsa_key().public_pem;
  const Verifier rs256 = make_verifier(pem, Algorithm::RS256);
  const std::string forged =
      hmac_token(R"({"alg":"HS256","typ":"JWT"})", R"({"mercure":{"publish":["*"]}})", pem);
  EXPECT_EQ(failure(rs256, forged), ErrorCode::algorithm_mismatch);
  // A hub configured for HS256 cannot be handed the public key as its secret either.
  auto keys = load_verification_keys(pem, Algorithm::HS256);
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().code, ErrorCode::invalid_key);
  // Nor can an RSA key serve an HMAC verifier through the API.
  auto rsa = Key::from_public_pem(pem);
  ASSERT_TRUE(rsa);
  VerifierConfig config;
  config.algorithm = Algorithm::HS256;
  config.keys.add(std::move(*rsa));
  EXPECT_FALSE(Verifier::create(std::move(config)));
}

TEST(Verifier, RefusesEcTokensForAnRsaVerifier) {
  const Verifier rs256 = make_verifier(test::rsa_key().public_pem, Algorithm::RS256);
  EXPECT_EQ(failure(rs256, hmac_token(R"({"alg":"ES256"})", "{}", kSecret)),
            ErrorCode::algorithm_mismatch);
}

TEST(Verifier, ExpiryWithLeeway) {
  const Verifier v = hs256();  // leeway 5 s
  EXPECT_TRUE(v.verify(with_time("exp", 3600)));
  EXPECT_TRUE(v.verify(with_time("exp", 0)));
  EXPECT_TRUE(v.verify(with_time("exp", -4)));
  EXPECT_EQ(failure(v, with_time("exp", -5)), ErrorCode::expired);
  EXPECT_EQ(failure(v, with_time("exp", -3600)), ErrorCode::expired);
  const Verifier strict = hs256(seconds(0));
  EXPECT_TRUE(strict.verify(with_time("exp", 1)));
  EXPECT_EQ(failure(strict, with_time("exp", 0)), ErrorCode::expired);
}

TEST(Verifier, NotBeforeWithLeeway) {
  const Verifier v = hs256();
  EXPECT_TRUE(v.verify(with_time("nbf", -100)));
  EXPECT_TRUE(v.verify(with_time("nbf", 5)));
  EXPECT_EQ(failure(v, with_time("nbf", 6)), ErrorCode::not_yet_valid);
  EXPECT_EQ(failure(hs256(seconds(0)), with_time("nbf", 1)), ErrorCode::not_yet_valid);
}

TEST(Verifier, TheClockIsConsultedAtEachVerification) {
  auto now = std::make_shared<std::int64_t>(kNow);
  auto keys = load_verification_keys(kSecret, Algorithm::HS256);
  ASSERT_TRUE(keys);
  VerifierConfig config;
  config.keys = std::move(*keys);
  config.leeway = seconds(0);
  config.clock = [now] { return system_clock::time_point(seconds(*now)); };
  auto v = Verifier::create(std::move(config));
  ASSERT_TRUE(v);
  const std::string token = with_time("exp", 60);
  EXPECT_TRUE(v->verify(token));
  *now += 60;
  EXPECT_EQ(failure(*v, token), ErrorCode::expired);
}

TEST(Verifier, ExposesExpiry) {
  auto claims = hs256().verify(with_time("exp", 600));
  ASSERT_TRUE(claims);
  ASSERT_TRUE(claims->expires_at);
  EXPECT_EQ(*claims->expires_at, system_clock::time_point(seconds(kNow + 600)));
}

TEST(Verifier, RequireExp) {
  EXPECT_TRUE(hs256().verify(hmac_token(kHeader, "{}", kSecret)));
  EXPECT_EQ(failure(hs256(seconds(5), true), hmac_token(kHeader, "{}", kSecret)),
            ErrorCode::invalid_claims);
  EXPECT_TRUE(hs256(seconds(5), true).verify(with_time("exp", 60)));
}

TEST(Verifier, ExtremeTimes) {
  const Verifier v = hs256();
  auto far = v.verify(hmac_token(kHeader, R"({"exp":1e300})", kSecret));
  ASSERT_TRUE(far) << far.error().message;
  EXPECT_GT(*far->expires_at, system_clock::time_point(seconds(kNow)));
  EXPECT_EQ(failure(v, hmac_token(kHeader, R"({"exp":-1e300})", kSecret)), ErrorCode::expired);
  EXPECT_EQ(failure(v, hmac_token(kHeader, R"({"nbf":1e300})", kSecret)), ErrorCode::not_yet_valid);
  EXPECT_EQ(failure(v, hmac_token(kHeader, R"({"exp":"tomorrow"})", kSecret)),
            ErrorCode::invalid_claims);
  EXPECT_EQ(failure(v, hmac_token(kHeader, R"({"exp":true})", kSecret)), ErrorCode::invalid_claims);
  EXPECT_EQ(failure(v, hmac_token(kHeader, R"({"nbf":null})", kSecret)), ErrorCode::invalid_claims);
}

TEST(Verifier, RefusesTokensThatAreNotThreeSegments) {
  const Verifier v = hs256();
  const std::string good = hmac_token(kHeader, "{}", kSecret);
  ASSERT_TRUE(v.verify(good));
  for (std::string bad : {std::string(""), std::string("abc"), std::string("a.b"), good + ".x",
                          good + ".x.y", "." + good, std::string("..")}) {
    EXPECT_EQ(failure(v, bad), ErrorCode::malformed) << bad;
  }
}

TEST(Verifier, RefusesBadBase64) {
  const Verifier v = hs256();
  const std::string good = hmac_token(kHeader, "{}", kSecret);
  const std::size_t dot1 = good.find('.');
  const std::size_t dot2 = good.rfind('.');
  EXPECT_EQ(failure(v, good + "="), ErrorCode::malformed);  // padding on the signature
  EXPECT_EQ(failure(v, good + " "), ErrorCode::malformed);  // trailing space
  EXPECT_EQ(failure(v, "!" + good), ErrorCode::malformed);  // header
  std::string plus = good;
  plus[dot2 + 3] = '+';  // standard alphabet
  EXPECT_EQ(failure(v, plus), ErrorCode::malformed);
  // A payload segment that is not base64url, under a valid signature: refused only after the
  // signature checks out, as malformed.
  const std::string header = good.substr(0, dot1);
  EXPECT_EQ(failure(v, hmac_token_raw(header, "e30=", kSecret)), ErrorCode::malformed);
  EXPECT_EQ(failure(v, hmac_token_raw(header, "e3*", kSecret)), ErrorCode::malformed);
}

TEST(Verifier, RefusesBadJson) {
  const Verifier v = hs256();
  EXPECT_EQ(failure(v, hmac_token("{\"alg\":\"HS256\"", "{}", kSecret)), ErrorCode::malformed);
  EXPECT_EQ(failure(v, hmac_token("[\"HS256\"]", "{}", kSecret)), ErrorCode::malformed);
  EXPECT_EQ(failure(v, hmac_token("{}", "{}", kSecret)), ErrorCode::malformed);  // no alg
  EXPECT_EQ(failure(v, hmac_token(R"({"alg":256})", "{}", kSecret)), ErrorCode::malformed);
  EXPECT_EQ(failure(v, hmac_token(kHeader, "{", kSecret)), ErrorCode::malformed);
  EXPECT_EQ(failure(v, hmac_token(kHeader, "[]", kSecret)), ErrorCode::malformed);
  EXPECT_EQ(failure(v, hmac_token(kHeader, "\"claims\"", kSecret)), ErrorCode::malformed);
  EXPECT_EQ(failure(v, hmac_token(kHeader, "{} {}", kSecret)), ErrorCode::malformed);
  EXPECT_EQ(failure(v, hmac_token(kHeader, "{\"a\":\"\xff\"}", kSecret)), ErrorCode::malformed);
  // Deep nesting is refused before the parser sees it.
  const std::string deep = R"({"x":)" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_EQ(failure(v, hmac_token(kHeader, deep, kSecret)), ErrorCode::malformed);
  EXPECT_EQ(failure(v, hmac_token(R"({"alg":"HS256","x":)" + std::string(100, '[') +
                                      std::string(100, ']') + "}",
                                  "{}", kSecret)),
            ErrorCode::malformed);
}

TEST(Verifier, RefusesCriticalExtensions) {
  EXPECT_EQ(
      failure(hs256(), hmac_token(R"({"alg":"HS256","crit":["b64"],"b64":false})", "{}", kSecret)),
      ErrorCode::unsupported_algorithm);
}

TEST(Verifier, IgnoresKeysOfferedByTheToken) {
  // A token carrying its own key (jwk / jku) is still checked against the configured one.
  const std::string token = hmac_token(
      R"({"alg":"HS256","jwk":{"kty":"oct","k":"YXR0YWNrZXI"},"jku":"https://evil.example/jwks"})",
      "{}", "attacker");
  EXPECT_EQ(failure(hs256(), token), ErrorCode::bad_signature);
}

TEST(Verifier, RefusesOversizedTokens) {
  const Verifier v = hs256();
  const std::string big_payload = R"({"mercure":{"payload":")" + std::string(7000, 'x') + R"("}})";
  const std::string token = hmac_token(kHeader, big_payload, kSecret);
  ASSERT_GT(token.size(), 8192u);
  EXPECT_EQ(failure(v, token), ErrorCode::too_large);
  EXPECT_EQ(failure(v, std::string(100'000, 'a')), ErrorCode::too_large);
  // The limit is configurable.
  auto keys = load_verification_keys(kSecret, Algorithm::HS256);
  ASSERT_TRUE(keys);
  VerifierConfig config;
  config.keys = std::move(*keys);
  config.max_token_bytes = 16 * 1024;
  config.claims_limits.max_payload_bytes = 8000;
  auto roomy = Verifier::create(std::move(config));
  ASSERT_TRUE(roomy);
  EXPECT_TRUE(roomy->verify(token));
}

TEST(Verifier, RefusesOversizedClaims) {
  const Verifier v = hs256();
  std::string many = R"({"mercure":{"subscribe":[)";
  for (int i = 0; i < 257; ++i)
    many += (i ? ",\"t" : "\"t") + std::to_string(i) + "\"";
  many += "]}}";
  EXPECT_EQ(failure(v, hmac_token(kHeader, many, kSecret)), ErrorCode::too_large);
  const std::string payload = R"({"mercure":{"payload":")" + std::string(4100, 'p') + R"("}})";
  EXPECT_EQ(failure(v, hmac_token(kHeader, payload, kSecret)), ErrorCode::too_large);
  const std::string long_selector =
      R"({"mercure":{"publish":[")" + std::string(match::Selector::kMaxLength + 1, 's') + R"("]}})";
  EXPECT_EQ(failure(v, hmac_token(kHeader, long_selector, kSecret)), ErrorCode::invalid_claims);
}

TEST(Verifier, RefusesABadSelectorRatherThanDroppingIt) {
  const std::string token = hmac_token(
      kHeader, R"({"mercure":{"subscribe":["https://a.example/{id}","{broken"]}})", kSecret);
  EXPECT_EQ(failure(hs256(), token), ErrorCode::invalid_claims);
}

TEST(Verifier, KidIsChecked) {
  EXPECT_EQ(failure(hs256(), hmac_token(R"({"alg":"HS256","kid":7})", "{}", kSecret)),
            ErrorCode::malformed);
  EXPECT_EQ(failure(hs256(), hmac_token(R"({"alg":"HS256","kid":")" + std::string(300, 'k') + "\"}",
                                        "{}", kSecret)),
            ErrorCode::malformed);
  // A single configured key without kid takes any kid.
  EXPECT_TRUE(hs256().verify(hmac_token(R"({"alg":"HS256","kid":"k1"})", "{}", kSecret)));
}

TEST(Verifier, CreateRefusesAnEmptyKeySet) {
  auto v = Verifier::create(VerifierConfig{});
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::invalid_key);
}

}  // namespace
}  // namespace herald::auth
