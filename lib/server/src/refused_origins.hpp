#pragma once
// Logs a cross-origin request that CORS refused, once per origin, with the flag that would
// allow it: otherwise a page on another port fails in the browser with no word in the
// hub's log.
#include <mutex>
#include <string>
#include <unordered_set>

#include "herald/http/message.hpp"

namespace herald::server {

class RefusedOrigins {
 public:
  // Thread-safe. Same-origin requests (browsers send Origin on same-origin POSTs too)
  // are not refusals and are ignored.
  void note(const http::Request& request);

 private:
  // Bounded, so a client inventing origins cannot grow it.
  static constexpr std::size_t max_logged = 256;
  std::mutex mutex_;
  std::unordered_set<std::string> logged_;
};

}  // namespace herald::server
