#pragma once
// The JWS signature primitives over OpenSSL 3's EVP interfaces: HMAC, RSASSA-PKCS1-v1_5,
// ECDSA with JWS's raw r||s encoding, and Ed25519 (EdDSA, RFC 8037). The caller has checked that
// the key fits the algorithm.
#include <string>
#include <string_view>

#include "herald/auth/algorithm.hpp"
#include "herald/auth/key.hpp"
#include "herald/auth/result.hpp"

namespace herald::auth {

// Whether `signature` (decoded bytes) signs `input` with `key` under `alg`.
bool verify_signature(Algorithm alg, const Key& key, std::string_view input,
                      std::string_view signature);

// The signature bytes (not yet base64url), or an error if the key cannot sign.
Result<std::string> create_signature(Algorithm alg, const Key& key, std::string_view input);

}  // namespace herald::auth
