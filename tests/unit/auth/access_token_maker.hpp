#pragma once
// Mercure 1.0 access tokens for tests: conforming claims to edit, minted with the signer,
// and tokens with any header at all (no typ, alg none, embedded keys) signed with Ed25519
// through OpenSSL directly.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "herald/auth/base64url.hpp"
#include "herald/auth/key_source.hpp"
#include "herald/auth/signer.hpp"
#include "test_keys.hpp"

namespace herald::auth::test {

inline constexpr std::string_view kResource = "https://hub.example.com/.well-known/mercure";
inline constexpr std::string_view kHubUrl = kResource;
inline constexpr std::string_view kIssuerA = "https://a.example.com";
inline constexpr std::string_view kIssuerB = "https://b.example.com";
inline constexpr std::int64_t kNow = 1'767'225'300;

// The self-issued subscriber token of the draft's "Authorization" section, issued by A.
inline nlohmann::json access_claims() {
  return nlohmann::json::parse(R"({
    "iss": "https://a.example.com",
    "aud": "https://hub.example.com/.well-known/mercure",
    "sub": "urn:uuid:bb3de268-05b0-4c65-b44e-8f9acefc29d6",
    "client_id": "https://example.com",
    "iat": 1767225300,
    "exp": 1767225600,
    "jti": "urn:uuid:e70ff8d7-59d5-4a92-b0b7-505e8f6d09fa",
    "authorization_details": [
      {
        "type": "https://mercure.rocks/authorization-detail",
        "actions": ["subscribe"],
        "topics": [{"match": "https://example.com/books/:id", "match_type": "urlpattern"}]
      }
    ]
  })");
}

// Signed by herald's own signer, as `herald token` would.
inline std::string mint(const nlohmann::json& claims, const KeyPair& pair,
                        Algorithm alg = Algorithm::EdDSA, std::string_view typ = "at+jwt",
                        std::string_view kid = {}) {
  auto key = load_signing_key(pair.private_pem, alg);
  if (!key) throw std::runtime_error(key.error().message);
  auto token = sign_token(claims.dump(), alg, *key, kid, typ);
  if (!token) throw std::runtime_error(token.error().message);
  return *token;
}

// header.payload signed with `pair`'s Ed25519 key whatever the header says.
inline std::string ed25519_token(std::string_view header, const nlohmann::json& claims,
                                 const KeyPair& pair) {
  const std::string input = base64url_encode(header) + "." + base64url_encode(claims.dump());
  BIO* bio = BIO_new_mem_buf(pair.private_pem.data(), static_cast<int>(pair.private_pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char sig[64];
  std::size_t len = sizeof sig;
  const bool ok =
      pkey != nullptr && ctx != nullptr &&
      EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, pkey) == 1 &&
      EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  if (!ok) throw std::runtime_error("Ed25519 signing failed");
  return input + "." + base64url_encode(std::string_view(reinterpret_cast<char*>(sig), len));
}

}  // namespace herald::auth::test
