#pragma once
// The claims of a Mercure token, as JSON: what `herald token` and tests sign.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "herald/auth/result.hpp"

namespace herald::auth {

struct MercureGrant {
  // Each list is written only when present (an absent list grants nothing).
  std::optional<std::vector<std::string>> publish;
  std::optional<std::vector<std::string>> subscribe;
  // `mercure.payload` as JSON text; empty for none.
  std::string payload_json;
  std::optional<std::chrono::system_clock::time_point> expires_at;
};

// {"mercure":{"publish":[...],"subscribe":[...],"payload":...},"exp":N}. Selectors and the
// payload are checked as the hub will check them (parse_claims with default limits), so a
// token the hub would refuse is never minted.
Result<std::string> mercure_claims_json(const MercureGrant& grant);

}  // namespace herald::auth
