#pragma once
// JWT NumericDate claims (RFC 7519 2): `exp`, `nbf`, `iat`.
#include <chrono>
#include <optional>

#include "herald/auth/result.hpp"
#include "json_util.hpp"

namespace herald::auth {

// The member `name` of `claims` as a time point: nullopt when absent, an error when not a
// number. Fractions are dropped and dates past 2200-01-01 clamped there, so that any value
// fits system_clock (nanoseconds, good until 2262) whatever a token says.
Result<std::optional<std::chrono::system_clock::time_point>> numeric_date(const Json& claims,
                                                                          const char* name);

}  // namespace herald::auth
