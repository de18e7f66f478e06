// EdDSA (RFC 8037, Ed25519 only): keys from PEM, certificates and JWKS, what is refused,
// and tokens signed by the signer that the verifier accepts. signature_test.cpp runs the
// generic signing tests on EdDSA too.
#include <gtest/gtest.h>

#include <string>

#include "herald/auth/jwks.hpp"
#include "herald/auth/key_source.hpp"
#include "herald/auth/signer.hpp"
#include "herald/auth/verifier.hpp"
#include "test_keys.hpp"

namespace herald::auth {
namespace {

using test::jwk;

constexpr std::string_view kClaims = R"({"mercure":{"publish":["https://example.com/a"]}})";

std::string signed_by(const test::KeyPair& pair, std::string_view kid = {}) {
  auto key = load_signing_key(pair.private_pem, Algorithm::EdDSA);
  EXPECT_TRUE(key) << key.error().message;
  auto token = sign_token(kClaims, Algorithm::EdDSA, *key, kid);
  EXPECT_TRUE(token) << token.error().message;
  return token ? *token : "";
}

Result<Claims> verify_with(std::string_view spec, std::string_view token) {
  auto keys = load_verification_keys(spec, Algorithm::EdDSA);
  if (!keys) return keys.error();
  VerifierConfig config;
  config.algorithm = Algorithm::EdDSA;
  config.keys = std::move(*keys);
  auto verifier = Verifier::create(std::move(config));
  if (!verifier) return verifier.error();
  return verifier->verify(token);
}

TEST(EdDsa, RoundTripThroughEveryPublicKeyForm) {
  const auto& pair = test::ed25519_key();
  const std::string token = signed_by(pair, "ed-1");
  for (const std::string& spec :
       {pair.public_pem, pair.certificate_pem, pair.private_pem,
        "{\"keys\":[" + jwk(pair, "ed-1") + "]}", jwk(pair, "ed-1", R"(,"alg":"EdDSA")"),
        test::temp_file(pair.public_pem)}) {
    const std::string source = spec.front() == '/' ? "@" + spec : spec;
    auto claims = verify_with(source, token);
    ASSERT_TRUE(claims) << claims.error().message << "\n" << spec;
    EXPECT_TRUE(claims->publish.matches("https://example.com/a"));
  }
}

TEST(EdDsa, AnotherEd25519KeyDoesNotVerify) {
  auto result = verify_with(test::ed25519_key(1).public_pem, signed_by(test::ed25519_key()));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::bad_signature);
}

TEST(EdDsa, Ed448IsRefusedClearly) {
  for (const std::string& pem : {test::ed448_key().public_pem, test::ed448_key().private_pem}) {
    auto keys = load_verification_keys(pem, Algorithm::EdDSA);
    ASSERT_FALSE(keys);
    EXPECT_EQ(keys.error().message, "Ed448 keys are not supported: EdDSA here means Ed25519");
  }
  auto signing = load_signing_key(test::ed448_key().private_pem, Algorithm::EdDSA);
  ASSERT_FALSE(signing);
  EXPECT_EQ(signing.error().message, "Ed448 keys are not supported: EdDSA here means Ed25519");
}

TEST(EdDsa, JwksSkipsOtherOkpCurvesAndSaysSoWhenNothingIsLeft) {
  const std::string ed448 = jwk(test::ed448_key(), "ed448");
  const std::string x25519 =
      R"({"kty":"OKP","crv":"X25519","x":")" + std::string(43, 'A') + R"(","kid":"dh"})";
  auto keys = parse_jwks(
      "{\"keys\":[" + ed448 + "," + x25519 + "," + jwk(test::ed25519_key(), "good") + "]}",
      Algorithm::EdDSA);
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->keys()[0].kid(), "good");

  auto none = parse_jwks("{\"keys\":[" + ed448 + "]}", Algorithm::EdDSA);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message,
            "JWK: no key in the set can verify EdDSA (only Ed25519 keys, kty OKP, are read)");
}

TEST(EdDsa, JwksRefusesAMalformedEd25519Key) {
  for (const char* x : {"", "AAAA", "not base64url!"}) {
    auto keys = parse_jwks(std::string(R"({"kty":"OKP","crv":"Ed25519","x":")") + x + "\"}",
                           Algorithm::EdDSA);
    ASSERT_FALSE(keys) << x;
    EXPECT_EQ(keys.error().message, "JWK: Ed25519 key needs a base64url x of 32 bytes");
  }
}

TEST(EdDsa, KeysOfAnotherKindDoNotFit) {
  // An Ed25519 key for ES256, and EC, RSA and HMAC keys for EdDSA: refused when loaded.
  auto ed_for_es = load_verification_keys(test::ed25519_key().public_pem, Algorithm::ES256);
  ASSERT_FALSE(ed_for_es);
  EXPECT_EQ(ed_for_es.error().message, "ES256 needs an EC key, not an Ed25519 key");
  auto ec_for_ed = load_verification_keys(test::ec_key("P-256").public_pem, Algorithm::EdDSA);
  ASSERT_FALSE(ec_for_ed);
  EXPECT_EQ(ec_for_ed.error().message, "EdDSA needs an Ed25519 key, not an EC key");
  EXPECT_FALSE(load_verification_keys(test::rsa_key().public_pem, Algorithm::EdDSA));
  auto secret_for_ed = load_verification_keys("a-secret", Algorithm::EdDSA);
  ASSERT_FALSE(secret_for_ed);
  EXPECT_EQ(secret_for_ed.error().code, ErrorCode::invalid_key);
  // A JWK published for EdDSA is not taken for ES256 either.
  EXPECT_FALSE(parse_jwks(jwk(test::ed25519_key(), "k"), Algorithm::ES256));
}

TEST(EdDsa, SignerRefusesKeysThatDoNotFit) {
  auto ec = load_signing_key(test::ec_key("P-256").private_pem, Algorithm::ES256);
  ASSERT_TRUE(ec);
  auto token = sign_token("{}", Algorithm::EdDSA, *ec);
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().message, "EdDSA needs an Ed25519 key, not an EC key");
  auto public_only = Key::from_public_pem(test::ed25519_key().public_pem);
  ASSERT_TRUE(public_only);
  EXPECT_FALSE(public_only->has_private());
  EXPECT_FALSE(sign_token("{}", Algorithm::EdDSA, *public_only));
}

TEST(EdDsa, AnHs256HubRefusesEdDsaTokensAsTheWrongAlgorithm) {
  auto keys = load_verification_keys("a-test-secret-0123456789abcdef0123", Algorithm::HS256);
  ASSERT_TRUE(keys);
  VerifierConfig config;
  config.keys = std::move(*keys);
  auto verifier = Verifier::create(std::move(config));
  ASSERT_TRUE(verifier);
  auto result = verifier->verify(signed_by(test::ed25519_key()));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::algorithm_mismatch);
  EXPECT_EQ(result.error().message, "the token is signed with EdDSA, this hub expects HS256");
}

}  // namespace
}  // namespace herald::auth
