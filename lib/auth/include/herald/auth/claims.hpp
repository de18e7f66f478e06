#pragma once
// The claims herald reads from a verified token: Mercure's `mercure` claim and the times.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "herald/auth/result.hpp"
#include "herald/hub/selector.hpp"

namespace herald::auth {

struct ClaimsLimits {
  // Per list (publish, subscribe): a token must not make the hub store and match an
  // unbounded number of selectors. Each selector is also bounded by Selector::kMaxLength.
  std::size_t max_selectors = 256;
  // The serialized `mercure.payload`, which the hub copies into subscription events.
  std::size_t max_payload_bytes = 4096;
};

struct Claims {
  // `mercure.publish`: topics this token may publish to (`*`: all). Empty when absent.
  hub::SelectorSet publish;
  // `mercure.subscribe`: topics whose private updates this token may receive.
  hub::SelectorSet subscribe;
  // Whether each list was present in the token at all (an empty list is present). Mercure
  // 0.x hubs tell "no publish claim" (never publish) from "publish: []".
  bool has_publish = false;
  bool has_subscribe = false;
  // `mercure.payload`, re-serialized compactly; empty when absent.
  std::string payload;
  // `exp` and `nbf`, when present (fractions dropped; dates past the year 2200 are clamped
  // there). The server ends a subscriber's stream at expires_at.
  std::optional<std::chrono::system_clock::time_point> expires_at;
  std::optional<std::chrono::system_clock::time_point> not_before;
};

// Claims from a JWT payload (JSON text). Checks types: `exp`/`nbf` numbers, `mercure` an
// object, `publish`/`subscribe` arrays of strings, each a valid topic selector. Anything
// wrong rejects the whole token: acting on part of a token's grants would silently change
// what its issuer meant. A payload with `authorization_details` is a Mercure 1.0 access
// token (see AccessVerifier) and is refused here. Time is not checked here (see Verifier).
Result<Claims> parse_claims(std::string_view json, const ClaimsLimits& limits = {});

}  // namespace herald::auth
