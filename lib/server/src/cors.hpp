#pragma once
// CORS from --cors-origins: the exact origin is echoed with credentials allowed, because
// EventSource with `withCredentials` rejects a wildcard. In --dev every origin is allowed.
#include <string>
#include <string_view>
#include <vector>

#include "herald/http/message.hpp"

namespace herald::server {

class Cors {
 public:
  Cors() = default;
  explicit Cors(std::vector<std::string> origins, bool allow_any = false)
      : origins_(std::move(origins)), allow_any_(allow_any) {}

  bool allows(std::string_view origin) const;
  // Adds the CORS headers when the request's Origin is allowed; false when it has an
  // Origin that is not.
  bool decorate(const http::Request& request, std::vector<http::Header>& headers) const;
  // The answer to an OPTIONS preflight.
  http::Response preflight(const http::Request& request) const;

 private:
  std::vector<std::string> origins_;
  bool allow_any_ = false;
};

}  // namespace herald::server
