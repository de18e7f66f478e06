#include "herald/auth/authorize.hpp"

namespace herald::auth {

bool can_publish(const Claims& claims, std::span<const std::string> topics) {
  if (topics.empty()) return false;
  for (const std::string& topic : topics) {
    if (!claims.publish.matches(topic)) return false;
  }
  return true;
}

bool can_receive(const Claims* claims, std::span<const std::string> topics, bool is_private) {
  if (!is_private) return true;
  return claims != nullptr && claims->subscribe.matches_any(topics);
}

}  // namespace herald::auth
