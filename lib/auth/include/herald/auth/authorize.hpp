#pragma once
// Whether verified claims allow publishing. Who receives a private update is the hub's to
// decide as it fans the update out (lib/hub, Subscriber::private_grants()): a subscriber
// whose subscribe selectors match one of the update's topics.
#include <span>
#include <string>

#include "herald/auth/claims.hpp"

namespace herald::auth {

// Whether `claims` may publish an update about `topics`: every topic must match one of the
// `mercure.publish` selectors (`*` matches all). No topics: nothing to grant, false.
// Stricter than Mercure 0.x hubs, which let any token with a publish claim (even an empty
// one) publish public updates and check selectors for private updates only.
bool can_publish(const Claims& claims, std::span<const std::string> topics);

}  // namespace herald::auth
