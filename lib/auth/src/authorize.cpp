#include "herald/auth/authorize.hpp"

namespace herald::auth {

bool can_publish(const Claims& claims, std::span<const std::string> topics) {
  if (topics.empty()) return false;
  for (const std::string& topic : topics) {
    if (!claims.publish.matches(topic)) return false;
  }
  return true;
}

}  // namespace herald::auth
