// Keys from configuration values: inline, @file, PEM forms, and what does not fit.
#include "herald/auth/key_source.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

#include "herald/auth/signer.hpp"
#include "herald/auth/verifier.hpp"
#include "test_keys.hpp"

namespace herald::auth {
namespace {

// A key spec naming a fresh file with `text`. Built by appending: GCC 12 at -O3 reports a
// false -Wrestrict on `"@" + std::string&&` (GCC bug 105329).
std::string at_file(std::string_view text) {
  std::string spec = "@";
  spec += test::temp_file(text);
  return spec;
}

Result<Claims> round_trip(std::string_view signing_spec, std::string_view verification_spec,
                          Algorithm alg) {
  auto signing = load_signing_key(signing_spec, alg);
  if (!signing) return signing.error();
  auto token = sign_token(R"({"mercure":{"publish":["a"]}})", alg, *signing);
  if (!token) return token.error();
  auto keys = load_verification_keys(verification_spec, alg);
  if (!keys) return keys.error();
  VerifierConfig config;
  config.algorithm = alg;
  config.keys = std::move(*keys);
  auto verifier = Verifier::create(std::move(config));
  if (!verifier) return verifier.error();
  return verifier->verify(*token);
}

TEST(KeySource, InlineSecret) {
  auto claims = round_trip("s3cret", "s3cret", Algorithm::HS256);
  EXPECT_TRUE(claims) << claims.error().message;
}

TEST(KeySource, SecretFileDropsTheTrailingLineBreak) {
  const std::string file = test::temp_file("s3cret\n");
  EXPECT_TRUE(round_trip("s3cret", "@" + file, Algorithm::HS384));
  EXPECT_TRUE(round_trip("@" + file, "s3cret", Algorithm::HS384));
  const std::string crlf = test::temp_file("s3cret\r\n");
  EXPECT_TRUE(round_trip("s3cret", "@" + crlf, Algorithm::HS384));
  // Inline values are taken byte for byte.
  auto mismatch = round_trip("s3cret", "s3cret\n", Algorithm::HS384);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code, ErrorCode::bad_signature);
}

TEST(KeySource, PemInlineAndFromFiles) {
  const auto& rsa = test::rsa_key();
  EXPECT_TRUE(round_trip(rsa.private_pem, rsa.public_pem, Algorithm::RS256));
  EXPECT_TRUE(round_trip(at_file(rsa.private_pem), at_file(rsa.public_pem), Algorithm::RS512));
  const auto& ec = test::ec_key("P-384");
  EXPECT_TRUE(round_trip(at_file(ec.private_pem), ec.public_pem, Algorithm::ES384));
}

TEST(KeySource, CertificatesAndPrivateKeysVerifyToo) {
  const auto& rsa = test::rsa_key();
  EXPECT_TRUE(round_trip(rsa.private_pem, rsa.certificate_pem, Algorithm::RS256));
  EXPECT_TRUE(round_trip(rsa.private_pem, rsa.private_pem, Algorithm::RS256));
  const auto& ec = test::ec_key("P-256");
  EXPECT_TRUE(round_trip(ec.private_pem, ec.certificate_pem, Algorithm::ES256));
}

TEST(KeySource, MissingFile) {
  auto keys = load_verification_keys("@/nonexistent/herald/key.pem", Algorithm::RS256);
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().code, ErrorCode::invalid_key);
  EXPECT_NE(keys.error().message.find("/nonexistent/herald/key.pem"), std::string::npos);
}

TEST(KeySource, EmptyKeys) {
  EXPECT_FALSE(load_verification_keys("", Algorithm::HS256));
  EXPECT_FALSE(load_verification_keys(at_file("\n"), Algorithm::HS256));
  EXPECT_FALSE(load_signing_key("", Algorithm::HS256));
}

TEST(KeySource, KeysThatDoNotFitTheAlgorithm) {
  const auto& rsa = test::rsa_key();
  const auto& p256 = test::ec_key("P-256");
  // RSA for ES, EC for RS, the wrong curve, a secret for RS, PEM as a secret.
  EXPECT_FALSE(load_verification_keys(rsa.public_pem, Algorithm::ES256));
  EXPECT_FALSE(load_verification_keys(p256.public_pem, Algorithm::RS256));
  EXPECT_FALSE(load_verification_keys(p256.public_pem, Algorithm::ES384));
  EXPECT_FALSE(load_verification_keys("not a pem", Algorithm::RS256));
  EXPECT_FALSE(load_verification_keys(rsa.public_pem, Algorithm::HS256));
  EXPECT_FALSE(load_signing_key(rsa.private_pem, Algorithm::HS256));
  // Signing needs the private half.
  auto public_only = load_signing_key(rsa.public_pem, Algorithm::RS256);
  ASSERT_FALSE(public_only);
  EXPECT_EQ(public_only.error().code, ErrorCode::invalid_key);
}

TEST(KeySource, RefusesShortRsaKeys) {
  auto keys = load_verification_keys(test::rsa_key(1024).public_pem, Algorithm::RS256);
  ASSERT_FALSE(keys);
  EXPECT_NE(keys.error().message.find("2048"), std::string::npos) << keys.error().message;
}

TEST(KeySource, RefusesOtherKeyTypes) {
  EVP_PKEY* x25519 = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
  ASSERT_NE(x25519, nullptr);
  auto key = Key::from_pkey(x25519);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, ErrorCode::invalid_key);
}

TEST(KeySource, GarbagePem) {
  EXPECT_FALSE(
      Key::from_public_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
  EXPECT_FALSE(Key::from_private_pem("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"));
}

TEST(KeySet, SelectsByKid) {
  KeySet set;
  auto a = Key::from_secret("a");
  auto b = Key::from_secret("b");
  ASSERT_TRUE(a && b);
  a->set_kid("A");
  b->set_kid("B");
  set.add(std::move(*a));
  set.add(std::move(*b));
  ASSERT_TRUE(set.select("B"));
  EXPECT_EQ((*set.select("B"))->secret(), "b");
  EXPECT_EQ((*set.select("A"))->secret(), "a");
  EXPECT_EQ(set.select("C").error().code, ErrorCode::unknown_key);
  EXPECT_EQ(set.select(std::nullopt).error().code, ErrorCode::unknown_key);
}

}  // namespace
}  // namespace herald::auth
