#pragma once
// CORS from --cors-origins. A listed origin is echoed exactly with credentials allowed,
// because EventSource with `withCredentials` rejects a wildcard. `*` answers a literal
// `Access-Control-Allow-Origin: *` WITHOUT credentials: a page on any site may read public
// streams, never a user's cookie-authenticated one. In --dev (without --cors-origins)
// every origin is echoed with credentials, a documented dev-only convenience.
#include <string>
#include <string_view>
#include <vector>

#include "herald/http/message.hpp"

namespace herald::server {

class Cors {
 public:
  Cors() = default;
  explicit Cors(std::vector<std::string> origins, bool allow_any = false);

  // Whether a page on `origin` may read the hub's answers (with or without credentials).
  bool allows(std::string_view origin) const;
  // Whether a page on `origin` may read answers to requests that carry the user's
  // credentials: it is listed by name (or --dev allows any); `*` is not enough.
  bool allows_credentials(std::string_view origin) const;
  // Adds the CORS headers when the request's Origin is allowed; false when it has an
  // Origin that is not.
  bool decorate(const http::Request& request, std::vector<http::Header>& headers) const;
  // The answer to an OPTIONS preflight.
  http::Response preflight(const http::Request& request) const;

 private:
  std::vector<std::string> origins_;  // exact origins; `*` is kept in wildcard_
  bool wildcard_ = false;             // `*` was listed
  bool allow_any_ = false;            // --dev: echo any origin, with credentials
};

}  // namespace herald::server
