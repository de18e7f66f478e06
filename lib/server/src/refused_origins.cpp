#include "refused_origins.hpp"

#include "herald/base/log.hpp"
#include "origin_check.hpp"

namespace herald::server {

void RefusedOrigins::note(const http::Request& request) {
  std::string origin(request.header("Origin").substr(0, 200));
  if (origin.empty() || is_same_host(origin, request.header("Host"))) return;
  {
    std::lock_guard lock(mutex_);
    if (logged_.size() >= max_logged || !logged_.insert(origin).second) return;
  }
  log::warn(
      "cross-origin request refused by CORS (allow it with --cors-origins; logged once "
      "per origin)",
      {{"origin", origin}, {"path", std::string(request.path().substr(0, 200))}});
}

}  // namespace herald::server
