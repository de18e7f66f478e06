#pragma once
// Which Mercure generation a token speaks, so that the server hands it to the matching
// verifier: Verifier (0.x, the `mercure` claim) or AccessVerifier (1.0, RFC 9068 access
// tokens with `authorization_details`). Both verifiers also refuse the other generation's
// tokens themselves; this only routes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "herald/auth/result.hpp"

namespace herald::auth {

enum class TokenGeneration : std::uint8_t { mercure_0x, mercure_1 };

// "0.x", "1.0".
std::string_view to_string(TokenGeneration generation);

// Reads the unauthenticated header and payload: `typ` at+jwt (any spelling RFC 9068 allows)
// or an `authorization_details` claim make a 1.0 token; otherwise it is 0.x (with or without
// a `mercure` claim: a 0.x token may grant nothing). A token with markers of both is refused
// (wrong_generation), as is one that is not a JWS with JSON header and payload (malformed)
// or longer than `max_token_bytes` (too_large). Trust nothing else it says.
Result<TokenGeneration> token_generation(std::string_view token,
                                         std::size_t max_token_bytes = 8192);

}  // namespace herald::auth
