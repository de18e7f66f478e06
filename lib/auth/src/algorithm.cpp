#include "herald/auth/algorithm.hpp"

#include <iterator>

namespace herald::auth {

std::optional<Algorithm> parse_algorithm(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kAlgorithmNames); ++i) {
    if (kAlgorithmNames[i] == name) return static_cast<Algorithm>(i);
  }
  return std::nullopt;
}

std::string_view algorithm_name(Algorithm alg) {
  return kAlgorithmNames[static_cast<std::size_t>(alg)];
}

KeyKind key_kind(Algorithm alg) {
  switch (alg) {
    case Algorithm::HS256:
    case Algorithm::HS384:
    case Algorithm::HS512:
      return KeyKind::hmac;
    case Algorithm::RS256:
    case Algorithm::RS384:
    case Algorithm::RS512:
      return KeyKind::rsa;
    case Algorithm::ES256:
    case Algorithm::ES384:
      return KeyKind::ec;
    case Algorithm::EdDSA:
      return KeyKind::ed25519;
  }
  return KeyKind::hmac;
}

const char* digest_name(Algorithm alg) {
  switch (alg) {
    case Algorithm::HS256:
    case Algorithm::RS256:
    case Algorithm::ES256:
      return "SHA256";
    case Algorithm::HS384:
    case Algorithm::RS384:
    case Algorithm::ES384:
      return "SHA384";
    case Algorithm::HS512:
    case Algorithm::RS512:
      return "SHA512";
    case Algorithm::EdDSA:
      return nullptr;
  }
  return "SHA256";
}

std::size_t ec_coordinate_bytes(Algorithm alg) {
  switch (alg) {
    case Algorithm::ES256:
      return 32;
    case Algorithm::ES384:
      return 48;
    default:
      return 0;
  }
}

const char* ec_group_name(Algorithm alg) {
  switch (alg) {
    case Algorithm::ES256:
      return "prime256v1";
    case Algorithm::ES384:
      return "secp384r1";
    default:
      return nullptr;
  }
}

}  // namespace herald::auth
