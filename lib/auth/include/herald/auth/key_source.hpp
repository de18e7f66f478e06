#pragma once
// Keys from configuration values (--jwt-key and friends, herald token --key): the key text
// itself, or "@PATH" to read it from a file.
#include <string>
#include <string_view>

#include "herald/auth/algorithm.hpp"
#include "herald/auth/key.hpp"
#include "herald/auth/result.hpp"

namespace herald::auth {

// The text a spec stands for: `spec` itself, or the contents of the file after '@'
// (at most 1 MiB).
Result<std::string> read_key_text(std::string_view spec);

// Keys that verify `alg`, from a spec whose text is:
//   - JSON (first non-blank character '{'): a JWK Set or one JWK, see parse_jwks;
//   - for HS*: anything else is the secret, byte for byte (a file's trailing line break is
//     dropped, since editors add one);
//   - for RS*, ES* and EdDSA: a PEM public key or certificate.
// Every key is checked against `alg` here, once, so a misconfiguration stops the server at
// start-up rather than failing each request.
Result<KeySet> load_verification_keys(std::string_view spec, Algorithm alg);

// A key that signs `alg` (herald token, tests): the secret for HS*, a PEM private key for
// RS*, ES* and EdDSA. Same spec rules, without JWKS.
Result<Key> load_signing_key(std::string_view spec, Algorithm alg);

}  // namespace herald::auth
