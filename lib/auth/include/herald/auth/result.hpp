#pragma once
// What can go wrong with a token or a key, and a value-or-error return type.
// Messages are written for the body of a 401: they say what is wrong with the token without
// echoing it or revealing key material.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace herald::auth {

enum class ErrorCode : std::uint8_t {
  malformed,              // not a JWS compact token, bad base64url, bad JSON
  too_large,              // token, claim or key set above a limit
  unsupported_algorithm,  // `alg: none` or an algorithm herald does not implement
  algorithm_mismatch,     // a real algorithm, but not the one this role is configured for
  unknown_key,            // no configured key for the token's `kid`
  bad_signature,          // the signature does not verify
  expired,                // `exp` passed (beyond the leeway)
  not_yet_valid,          // `nbf` in the future (beyond the leeway)
  invalid_claims,         // wrong claim types, a bad topic selector, too many selectors
  bad_credentials,        // a malformed Authorization header, cookie or query parameter
  invalid_key,            // configuration: a key that cannot be loaded or does not fit
  wrong_generation,       // a token of the other Mercure generation, or one mixing both
  invalid_type,           // 1.0: the `typ` header is not at+jwt (not an access token)
  untrusted_issuer,       // 1.0: no `iss`, or one the hub has no keys for
  invalid_audience,       // 1.0: `aud` does not name this hub's resource identifier
};

// A stable identifier for logs and metrics, e.g. "bad_signature".
std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

inline Error make_error(ErrorCode code, std::string message) {
  return {code, std::move(message)};
}

// Either a T or an Error (std::expected is C++23).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace herald::auth
