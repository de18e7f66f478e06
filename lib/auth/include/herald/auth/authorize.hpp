#pragma once
// What verified claims allow (Mercure 0.x authorization rules).
#include <span>
#include <string>

#include "herald/auth/claims.hpp"

namespace herald::auth {

// Whether `claims` may publish an update about `topics`: every topic must match one of the
// `mercure.publish` selectors (`*` matches all). No topics: nothing to grant, false.
// Stricter than Mercure 0.x hubs, which let any token with a publish claim (even an empty
// one) publish public updates and check selectors for private updates only.
bool can_publish(const Claims& claims, std::span<const std::string> topics);

// Whether a subscriber holding `claims` (nullptr: anonymous) may receive an update about
// `topics`. Public updates: always (the subscription's own selectors decide routing, not
// authorization). Private updates: only when one of the topics matches one of the
// `mercure.subscribe` selectors; never for anonymous subscribers.
bool can_receive(const Claims* claims, std::span<const std::string> topics, bool is_private);

}  // namespace herald::auth
