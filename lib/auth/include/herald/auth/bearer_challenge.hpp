#pragma once
// The `WWW-Authenticate: Bearer` challenge of a refused request (RFC 6750 section 3, with
// RFC 9728's `resource_metadata`), as the draft's "Error Responses" requires for Mercure 1.0.
#include <cstdint>
#include <string>
#include <string_view>

#include "herald/auth/result.hpp"

namespace herald::auth {

enum class BearerError : std::uint8_t {
  no_token,            // 401, and no error code at all (RFC 6750 3.1)
  invalid_request,     // 400: the token's presentation is malformed
  invalid_token,       // 401: the token fails validation, or its grants do not parse
  insufficient_scope,  // 403: a valid token that does not allow the operation
};

// The status code the draft pairs with each: 401, 400, 401, 403.
int status_code(BearerError error);

// The error a refused token is reported with: invalid_request for a malformed
// Authorization header (bad_credentials), invalid_token for everything else, so the
// challenge does not tell an attacker which check failed (the draft's "Error Responses").
BearerError bearer_error(ErrorCode code);

// The field value, e.g.
//   Bearer error="invalid_token", error_description="the token has expired",
//   resource_metadata="https://hub.example.com/.well-known/oauth-protected-resource/..."
// `error` then `error_description` (omitted for no_token, or when `description` is empty),
// then `resource_metadata` (omitted when empty); just "Bearer" when there is nothing to say.
// RFC 6750 allows only %x20-21 / %x23-5B / %x5D-7E in error_description: '"' becomes '\'',
// and '\\', control and non-ASCII bytes become '?', so that no description can break out of
// its quotes or the header line. Bytes of the URL that a quoted-string cannot hold as they
// are ('"', '\\', controls, space, non-ASCII) are percent-encoded.
std::string bearer_challenge(BearerError error, std::string_view description,
                             std::string_view resource_metadata_url);

}  // namespace herald::auth
