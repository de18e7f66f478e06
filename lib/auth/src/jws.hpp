#pragma once
// The JWS compact serialization (RFC 7515 section 7.1) and its protected header, read the same
// way by the Mercure 0.x verifier and the 1.0 access-token verifier.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "herald/auth/algorithm.hpp"
#include "herald/auth/result.hpp"

namespace herald::auth {

struct JwsSegments {
  std::string_view header, payload, signature;
  std::string_view signing_input;  // header "." payload, as sent: what was signed
};

// Exactly three segments; nullopt otherwise (five is JWE, which herald does not accept).
std::optional<JwsSegments> split_jws(std::string_view token);

struct JoseHeader {
  Algorithm alg;
  std::optional<std::string> kid;
  // `typ` when it is a string; any other JSON type is kept as absent.
  std::optional<std::string> typ;
};

// The decoded header: `alg` one herald implements (never `none`), no `crit` (herald
// understands no extension), `kid` a short string. `jku`, `jwk`, `x5u` and `x5c` are ignored
// on purpose: keys come from configuration only, a token may at most pick one by `kid`.
Result<JoseHeader> parse_jose_header(std::string_view segment);

// A token as both verifiers read it first: at most `max_bytes`, three segments, and a
// header parse_jose_header accepts; anything else is the error to answer with.
struct Jws {
  JwsSegments segments;
  JoseHeader header;
};
Result<Jws> read_jws(std::string_view token, std::size_t max_bytes);

// RFC 9068 2.1 and RFC 7515 4.1.9: "at+jwt", or "application/at+jwt", case-insensitively.
bool is_access_token_type(std::string_view typ);

}  // namespace herald::auth
