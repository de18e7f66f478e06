// JWK Sets: the right key by kid, the others skipped or refused.
#include "herald/auth/jwks.hpp"

#include <gtest/gtest.h>

#include <string>

#include "herald/auth/key_source.hpp"
#include "herald/auth/signer.hpp"
#include "herald/auth/verifier.hpp"
#include "test_keys.hpp"

namespace herald::auth {
namespace {

using test::jwk;

std::string token(std::string_view private_pem_or_secret, Algorithm alg, std::string_view kid) {
  auto key = load_signing_key(private_pem_or_secret, alg);
  EXPECT_TRUE(key) << key.error().message;
  auto t = sign_token(R"({"mercure":{"subscribe":["*"]}})", alg, *key, kid);
  EXPECT_TRUE(t) << t.error().message;
  return t ? *t : "";
}

Verifier verifier(std::string_view jwks, Algorithm alg) {
  auto keys = load_verification_keys(jwks, alg);
  EXPECT_TRUE(keys) << keys.error().message;
  VerifierConfig config;
  config.algorithm = alg;
  config.keys = std::move(*keys);
  auto v = Verifier::create(std::move(config));
  EXPECT_TRUE(v) << v.error().message;
  return std::move(*v);
}

TEST(Jwks, RsaKeysByKid) {
  const auto& k1 = test::rsa_key();
  const auto& k2 = test::second_rsa_key();
  const std::string set = R"({"keys":[)" + jwk(k1, "one", R"(,"use":"sig","alg":"RS256")") + "," +
                          jwk(k2, "two") + "]}";
  const Verifier v = verifier(set, Algorithm::RS256);
  EXPECT_TRUE(v.verify(token(k1.private_pem, Algorithm::RS256, "one")));
  EXPECT_TRUE(v.verify(token(k2.private_pem, Algorithm::RS256, "two")));
  // Signed by one, claiming to be two.
  auto swapped = v.verify(token(k1.private_pem, Algorithm::RS256, "two"));
  ASSERT_FALSE(swapped);
  EXPECT_EQ(swapped.error().code, ErrorCode::bad_signature);
  auto unknown = v.verify(token(k1.private_pem, Algorithm::RS256, "three"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::unknown_key);
  auto no_kid = v.verify(token(k1.private_pem, Algorithm::RS256, ""));
  ASSERT_FALSE(no_kid);
  EXPECT_EQ(no_kid.error().code, ErrorCode::unknown_key);
}

TEST(Jwks, EcKeysOnBothCurves) {
  const auto& p256 = test::ec_key("P-256");
  const auto& p384 = test::ec_key("P-384");
  const std::string set = R"({"keys":[)" + jwk(p256, "a") + "," + jwk(p384, "b") + "]}";
  // Each algorithm keeps the key on its curve only.
  EXPECT_TRUE(
      verifier(set, Algorithm::ES256).verify(token(p256.private_pem, Algorithm::ES256, "a")));
  EXPECT_TRUE(
      verifier(set, Algorithm::ES384).verify(token(p384.private_pem, Algorithm::ES384, "b")));
  auto keys = load_verification_keys(set, Algorithm::ES256);
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->size(), 1u);
}

TEST(Jwks, OctKeys) {
  const std::string set =
      R"({"keys":[{"kty":"oct","kid":"h1","k":"c2VjcmV0LW9uZQ"},{"kty":"oct","kid":"h2","k":"c2VjcmV0LXR3bw"}]})";
  const Verifier v = verifier(set, Algorithm::HS256);
  EXPECT_TRUE(v.verify(token("secret-one", Algorithm::HS256, "h1")));
  EXPECT_TRUE(v.verify(token("secret-two", Algorithm::HS256, "h2")));
  EXPECT_FALSE(v.verify(token("secret-one", Algorithm::HS256, "h2")));
}

TEST(Jwks, ASingleJwkAndAFile) {
  const auto& rsa = test::rsa_key();
  const std::string path = test::temp_file("\n  " + jwk(rsa, "solo") + "\n");
  const Verifier v = verifier("@" + path, Algorithm::RS384);
  EXPECT_TRUE(v.verify(token(rsa.private_pem, Algorithm::RS384, "solo")));
  EXPECT_TRUE(v.verify(token(rsa.private_pem, Algorithm::RS384, "")));  // the only key
}

TEST(Jwks, SkipsKeysMeantForSomethingElse) {
  const auto& rsa = test::rsa_key();
  const auto& p256 = test::ec_key("P-256");
  const std::string set =
      R"({"keys":[)" + jwk(rsa, "enc", R"(,"use":"enc")") + "," +
      jwk(rsa, "ps", R"(,"alg":"PS256")") + "," + jwk(p256, "ec") + "," +
      R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},)" +
      jwk(rsa, "good") + "]}";
  auto keys = load_verification_keys(set, Algorithm::RS256);
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->keys()[0].kid(), "good");
}

TEST(Jwks, KeyAlgRestrictsTheKey) {
  const auto& rsa = test::rsa_key();
  // Published for RS512 only: not usable for RS256.
  auto keys = load_verification_keys(R"({"keys":[)" + jwk(rsa, "k", R"(,"alg":"RS512")") + "]}",
                                     Algorithm::RS256);
  EXPECT_FALSE(keys);
}

TEST(Jwks, Refusals) {
  const auto& rsa = test::rsa_key();
  auto refused = [](const std::string& text, Algorithm alg) {
    auto keys = parse_jwks(text, alg);
    EXPECT_FALSE(keys) << text.substr(0, 120);
    return keys ? ErrorCode::malformed : keys.error().code;
  };
  EXPECT_EQ(refused("{", Algorithm::RS256), ErrorCode::invalid_key);
  EXPECT_EQ(refused("[]", Algorithm::RS256), ErrorCode::invalid_key);
  EXPECT_EQ(refused(R"({"keys":{}})", Algorithm::RS256), ErrorCode::invalid_key);
  EXPECT_EQ(refused(R"({"keys":[]})", Algorithm::RS256), ErrorCode::invalid_key);
  EXPECT_EQ(refused(R"({"keys":[1]})", Algorithm::RS256), ErrorCode::invalid_key);
  EXPECT_EQ(refused(R"({"other":1})", Algorithm::RS256), ErrorCode::invalid_key);
  // Duplicate kids make selection ambiguous.
  EXPECT_EQ(
      refused(R"({"keys":[)" + jwk(rsa, "same") + "," + jwk(rsa, "same") + "]}", Algorithm::RS256),
      ErrorCode::invalid_key);
  // Malformed members of a key meant for the algorithm.
  EXPECT_EQ(refused(R"({"kty":"RSA","n":"AQAB"})", Algorithm::RS256), ErrorCode::invalid_key);
  EXPECT_EQ(refused(R"({"kty":"RSA","n":"AQAB","e":"AQAB"})", Algorithm::RS256),
            ErrorCode::invalid_key);  // far too short
  EXPECT_EQ(refused(R"({"kty":"RSA","n":"not base64!","e":"AQAB"})", Algorithm::RS256),
            ErrorCode::invalid_key);
  EXPECT_EQ(refused(R"({"kty":"oct","k":""})", Algorithm::HS256), ErrorCode::invalid_key);
  EXPECT_EQ(refused(R"({"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"})", Algorithm::ES256),
            ErrorCode::invalid_key);
  EXPECT_EQ(refused(R"({"kty":"RSA","kid":5,)" + test::rsa_key().jwk_members.substr(12) + "}",
                    Algorithm::RS256),
            ErrorCode::invalid_key);
  // A point that is not on the curve.
  const std::string zeros(43, 'A');
  EXPECT_EQ(refused(R"({"kty":"EC","crv":"P-256","x":")" + zeros + R"(","y":")" + zeros + "\"}",
                    Algorithm::ES256),
            ErrorCode::invalid_key);
  std::string many = R"({"keys":[)";
  for (int i = 0; i < 101; ++i)
    many += std::string(i ? "," : "") + R"({"kty":"oct","k":"YQ"})";
  EXPECT_EQ(refused(many + "]}", Algorithm::HS256), ErrorCode::too_large);
}

}  // namespace
}  // namespace herald::auth
