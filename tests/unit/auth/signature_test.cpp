// Every algorithm signs and verifies, and any change to the token breaks the signature.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

#include "herald/auth/base64url.hpp"
#include "herald/auth/key_source.hpp"
#include "herald/auth/signer.hpp"
#include "herald/auth/verifier.hpp"
#include "test_keys.hpp"

namespace herald::auth {
namespace {

const char* kClaims = R"({"mercure":{"publish":["*"],"subscribe":["https://example.com/{id}"]}})";

struct AlgCase {
  Algorithm alg;
  std::string signing_spec;       // what herald token --key takes
  std::string verification_spec;  // what --jwt-key takes
};

std::string name_of(const testing::TestParamInfo<Algorithm>& info) {
  return std::string(algorithm_name(info.param));
}

AlgCase keys_for(Algorithm alg) {
  switch (key_kind(alg)) {
    case KeyKind::hmac: {
      const std::string secret =
          "a-secret-of-sixty-four-bytes-for-hs512-0123456789abcdef0123456789";
      return {alg, secret, secret};
    }
    case KeyKind::rsa:
      return {alg, test::rsa_key().private_pem, test::rsa_key().public_pem};
    case KeyKind::ec: {
      const auto& pair = test::ec_key(alg == Algorithm::ES256 ? "P-256" : "P-384");
      return {alg, pair.private_pem, pair.public_pem};
    }
    case KeyKind::ed25519:
      return {alg, test::ed25519_key().private_pem, test::ed25519_key().public_pem};
  }
  return {};
}

Verifier verifier_for(const AlgCase& c) {
  auto keys = load_verification_keys(c.verification_spec, c.alg);
  EXPECT_TRUE(keys) << keys.error().message;
  VerifierConfig config;
  config.algorithm = c.alg;
  config.keys = std::move(*keys);
  auto verifier = Verifier::create(std::move(config));
  EXPECT_TRUE(verifier) << verifier.error().message;
  return std::move(*verifier);
}

std::string sign(const AlgCase& c, std::string_view claims = kClaims) {
  auto key = load_signing_key(c.signing_spec, c.alg);
  EXPECT_TRUE(key) << key.error().message;
  auto token = sign_token(claims, c.alg, *key);
  EXPECT_TRUE(token) << token.error().message;
  return token ? *token : "";
}

class EveryAlgorithm : public testing::TestWithParam<Algorithm> {};

TEST_P(EveryAlgorithm, SignsAndVerifies) {
  const AlgCase c = keys_for(GetParam());
  const std::string token = sign(c);
  auto claims = verifier_for(c).verify(token);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_TRUE(claims->publish.matches("urn:anything"));
  EXPECT_TRUE(claims->subscribe.matches("https://example.com/42"));
  EXPECT_FALSE(claims->subscribe.matches("https://example.org/42"));
}

TEST_P(EveryAlgorithm, HeaderNamesTheAlgorithm) {
  const AlgCase c = keys_for(GetParam());
  const std::string token = sign(c);
  EXPECT_EQ(base64url_decode(token.substr(0, token.find('.'))),
            R"({"alg":")" + std::string(algorithm_name(c.alg)) + R"(","typ":"JWT"})");
}

TEST_P(EveryAlgorithm, SignatureHasTheJwsSize) {
  const AlgCase c = keys_for(GetParam());
  const std::string token = sign(c);
  const auto sig = base64url_decode(token.substr(token.rfind('.') + 1));
  ASSERT_TRUE(sig);
  const std::size_t expected = c.alg == Algorithm::HS256   ? 32
                               : c.alg == Algorithm::HS384 ? 48
                               : c.alg == Algorithm::HS512 ? 64
                               : c.alg == Algorithm::ES256 ? 64  // raw r||s, not DER
                               : c.alg == Algorithm::ES384 ? 96
                               : c.alg == Algorithm::EdDSA ? 64    // RFC 8032 5.1.6
                                                           : 256;  // RSA-2048
  EXPECT_EQ(sig->size(), expected);
}

TEST_P(EveryAlgorithm, TamperedPayloadFails) {
  const AlgCase c = keys_for(GetParam());
  const std::string token = sign(c);
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = token.rfind('.');
  const std::string forged_payload =
      base64url_encode(R"({"mercure":{"publish":["*"],"subscribe":["*"]}})");
  const std::string forged = token.substr(0, dot1 + 1) + forged_payload + token.substr(dot2);
  auto result = verifier_for(c).verify(forged);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::bad_signature);
}

TEST_P(EveryAlgorithm, EveryFlippedSignatureByteFails) {
  const AlgCase c = keys_for(GetParam());
  const std::string token = sign(c);
  const Verifier verifier = verifier_for(c);
  const std::size_t dot2 = token.rfind('.');
  auto sig = *base64url_decode(token.substr(dot2 + 1));
  for (std::size_t i = 0; i < sig.size(); i += 7) {
    std::string bad = sig;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto result = verifier.verify(token.substr(0, dot2 + 1) + base64url_encode(bad));
    ASSERT_FALSE(result) << "byte " << i;
    EXPECT_EQ(result.error().code, ErrorCode::bad_signature);
  }
  // Truncated and empty signatures too.
  EXPECT_FALSE(verifier.verify(token.substr(0, dot2 + 1) + base64url_encode(sig.substr(1))));
  EXPECT_FALSE(verifier.verify(token.substr(0, dot2 + 1)));
}

TEST_P(EveryAlgorithm, TokenFromAnotherKeyFails) {
  const AlgCase c = keys_for(GetParam());
  AlgCase other = c;
  switch (key_kind(c.alg)) {
    case KeyKind::hmac:
      other.signing_spec = "another-secret-entirely-0123456789abcdef0123456789abcdef";
      break;
    case KeyKind::rsa:
      other.signing_spec = test::second_rsa_key().private_pem;
      break;
    case KeyKind::ed25519:
      other.signing_spec = test::ed25519_key(1).private_pem;
      break;
    case KeyKind::ec: {
      // A fresh key on the same curve.
      EVP_PKEY* pkey =
          EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", c.alg == Algorithm::ES256 ? "P-256" : "P-384");
      auto key = Key::from_pkey(pkey);
      ASSERT_TRUE(key);
      auto token = sign_token(kClaims, c.alg, *key);
      ASSERT_TRUE(token);
      auto result = verifier_for(c).verify(*token);
      ASSERT_FALSE(result);
      EXPECT_EQ(result.error().code, ErrorCode::bad_signature);
      return;
    }
  }
  auto result = verifier_for(c).verify(sign(other));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::bad_signature);
}

INSTANTIATE_TEST_SUITE_P(Jws, EveryAlgorithm,
                         testing::Values(Algorithm::HS256, Algorithm::HS384, Algorithm::HS512,
                                         Algorithm::RS256, Algorithm::RS384, Algorithm::RS512,
                                         Algorithm::ES256, Algorithm::ES384, Algorithm::EdDSA),
                         name_of);

TEST(Signer, AddsTheKid) {
  auto key = Key::from_secret("secret");
  ASSERT_TRUE(key);
  auto token = sign_token("{}", Algorithm::HS256, *key, "key-1");
  ASSERT_TRUE(token);
  EXPECT_EQ(base64url_decode(token->substr(0, token->find('.'))),
            std::string(R"({"alg":"HS256","typ":"JWT","kid":"key-1"})"));
}

TEST(Signer, RefusesKeysThatDoNotFit) {
  auto hmac = Key::from_secret("secret");
  ASSERT_TRUE(hmac);
  EXPECT_FALSE(sign_token("{}", Algorithm::RS256, *hmac));
  auto rsa_public = Key::from_public_pem(test::rsa_key().public_pem);
  ASSERT_TRUE(rsa_public);
  auto no_private = sign_token("{}", Algorithm::RS256, *rsa_public);
  ASSERT_FALSE(no_private);
  EXPECT_EQ(no_private.error().code, ErrorCode::invalid_key);
  auto p256 = Key::from_private_pem(test::ec_key("P-256").private_pem);
  ASSERT_TRUE(p256);
  EXPECT_FALSE(sign_token("{}", Algorithm::ES384, *p256));
}

TEST(Signer, RefusesClaimsThatAreNotAnObject) {
  auto key = Key::from_secret("secret");
  ASSERT_TRUE(key);
  EXPECT_FALSE(sign_token("[1]", Algorithm::HS256, *key));
  EXPECT_FALSE(sign_token("{", Algorithm::HS256, *key));
}

}  // namespace
}  // namespace herald::auth
