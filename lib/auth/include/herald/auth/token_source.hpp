#pragma once
// Where a request carries its token (Mercure 0.x): the Authorization header, the
// `authorization` query parameter, or the `mercureAuthorization` cookie. Pure string
// work: the server hands over what it read and decides what to do with the answer.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "herald/auth/result.hpp"

namespace herald::auth {

inline constexpr std::string_view kDefaultCookieName = "mercureAuthorization";
inline constexpr std::string_view kQueryParameter = "authorization";

enum class TokenSource : std::uint8_t { none, authorization_header, query_parameter, cookie };

// "none", "authorization_header", "query_parameter", "cookie".
std::string_view to_string(TokenSource source);

struct RequestCredentials {
  // The Authorization header, if the request has one (the server refuses duplicates).
  std::optional<std::string_view> authorization;
  // The Cookie header; HTTP/2 may split it, the server joins the pieces with "; ".
  std::optional<std::string_view> cookie;
  // The raw query string, without '?'.
  std::string_view query;
};

struct ExtractedToken {
  TokenSource source = TokenSource::none;  // none: an anonymous request
  std::string token;
};

// One token, by Mercure's precedence: the header, else the query parameter, else the
// cookie; the lower sources are then ignored. A malformed higher source is an error, never
// a fall-through to the next one (a broken header must not turn into cookie authority).
// The header must be `Bearer <token>` (scheme case-insensitive, RFC 7235); the query
// parameter must appear once; an empty cookie counts as absent (a logged-out browser).
// A token from the cookie is ambient authority: for publishing, the server must check the
// request's Origin (CSRF), as Mercure does.
Result<ExtractedToken> extract_token(const RequestCredentials& request,
                                     std::string_view cookie_name = kDefaultCookieName);

}  // namespace herald::auth
