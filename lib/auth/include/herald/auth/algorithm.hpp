#pragma once
// The JWS algorithms herald implements (RFC 7518 section 3, and EdDSA of RFC 8037 with
// Ed25519 only). `none` is not one of them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace herald::auth {

enum class Algorithm : std::uint8_t {
  HS256,
  HS384,
  HS512,
  RS256,
  RS384,
  RS512,
  ES256,
  ES384,
  EdDSA
};

// What kind of key an algorithm needs: the check that stops algorithm confusion.
enum class KeyKind : std::uint8_t { hmac, rsa, ec, ed25519 };

// Exact, case-sensitive names ("HS256"); nullopt for "none" and anything unknown.
std::optional<Algorithm> parse_algorithm(std::string_view name);
std::string_view algorithm_name(Algorithm alg);

KeyKind key_kind(Algorithm alg);

// The digest each algorithm signs with, as OpenSSL names it ("SHA256"); nullptr for EdDSA,
// which hashes internally and must be given no digest.
const char* digest_name(Algorithm alg);

// ES256 and ES384: the length of each of r and s in a JWS signature (RFC 7518 3.4); 0 else.
std::size_t ec_coordinate_bytes(Algorithm alg);

// ES256 and ES384: the curve, as OpenSSL names it ("prime256v1"); nullptr else.
const char* ec_group_name(Algorithm alg);

// Every algorithm name, for help texts and --alg checks.
inline constexpr std::string_view kAlgorithmNames[] = {"HS256", "HS384", "HS512", "RS256", "RS384",
                                                       "RS512", "ES256", "ES384", "EdDSA"};

}  // namespace herald::auth
