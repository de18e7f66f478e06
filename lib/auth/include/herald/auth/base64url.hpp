#pragma once
// Base64url without padding (RFC 7515 section 2), the only encoding a JWS compact token uses.
#include <optional>
#include <string>
#include <string_view>

namespace herald::auth {

std::string base64url_encode(std::string_view bytes);

// Strict: refuses padding, characters outside [A-Za-z0-9-_], a length that cannot come from
// the encoder, and non-zero unused bits in the last character. Every input therefore has at
// most one decoding and one spelling, so a token cannot be re-encoded into another string
// with the same signature.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace herald::auth
