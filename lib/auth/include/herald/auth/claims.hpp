#pragma once
// What a verified token grants, in either Mercure generation: the 0.x `mercure` claim, or
// a 1.0 access token's authorization details, reduced to the same selector sets so that
// the endpoints and the hub authorize both alike (can_publish; the hub's private delivery).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/auth/result.hpp"
#include "herald/auth/token_generation.hpp"
#include "herald/match/selector.hpp"

namespace herald::auth {

struct ClaimsLimits {
  // Per list (publish, subscribe): a token must not make the hub store and match an
  // unbounded number of selectors. Each selector is also bounded by Selector::kMaxLength.
  std::size_t max_selectors = 256;
  // The serialized `mercure.payload`, which the hub copies into subscription events.
  std::size_t max_payload_bytes = 4096;
};

struct Claims {
  TokenGeneration generation = TokenGeneration::mercure_0x;
  // `mercure.publish`: topics this token may publish to (`*`: all). Empty when absent.
  match::SelectorSet publish;
  // `mercure.subscribe`: topics whose private updates this token may receive.
  match::SelectorSet subscribe;
  // Whether each list was present in the token at all (an empty list is present). Mercure
  // 0.x hubs tell "no publish claim" (never publish) from "publish: []".
  bool has_publish = false;
  bool has_subscribe = false;
  // `mercure.payload`, re-serialized compactly; empty when absent.
  std::string payload;
  // 1.0: the details with the `subscribe` action, in token order: a subscription's payload
  // is that of the first whose topics match the subscription's own matcher (the draft's
  // "Payloads").
  struct SubscribeDetail {
    match::SelectorSet topics;
    std::optional<std::string> payload;  // re-serialized compactly
  };
  std::vector<SubscribeDetail> subscribe_details;
  // 1.0: `iss` and `sub`.
  std::string issuer;
  std::string subject;
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
