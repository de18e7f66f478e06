#include "cors.hpp"

#include <algorithm>

namespace herald::server {

Cors::Cors(std::vector<std::string> origins, bool allow_any) : allow_any_(allow_any) {
  for (std::string& o : origins) {
    if (o == "*") {
      wildcard_ = true;
    } else {
      origins_.push_back(std::move(o));
    }
  }
}

bool Cors::allows_credentials(std::string_view origin) const {
  if (origin.empty()) return false;
  if (allow_any_) return true;
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

bool Cors::allows(std::string_view origin) const {
  return !origin.empty() && (wildcard_ || allows_credentials(origin));
}

bool Cors::decorate(const http::Request& request, std::vector<http::Header>& headers) const {
  std::string_view origin = request.header("Origin");
  if (origin.empty()) return true;
  if (allows_credentials(origin)) {
    headers.push_back({"Access-Control-Allow-Origin", std::string(origin)});
    headers.push_back({"Access-Control-Allow-Credentials", "true"});
    headers.push_back({"Vary", "Origin"});
  } else if (wildcard_) {
    // The same answer for every origin, and browsers refuse it to credentialed requests.
    headers.push_back({"Access-Control-Allow-Origin", "*"});
  } else {
    return false;
  }
  // What a cross-origin script may read: the reconciliation cursors (the Link header's
  // last-event-id, Mercure-Last-Event-ID) and why a request was refused.
  headers.push_back({"Access-Control-Expose-Headers",
                     "Link, Mercure-Last-Event-ID, Last-Event-ID, WWW-Authenticate"});
  return true;
}

http::Response Cors::preflight(const http::Request& request) const {
  std::string_view origin = request.header("Origin");
  if (!allows(origin)) {
    return http::Response::text(403, "origin not allowed by --cors-origins");
  }
  http::Response r;
  r.status = 204;
  r.content_type.clear();  // the Allow-Origin headers are added like on every answer
  r.headers.push_back({"Access-Control-Allow-Methods", "GET, QUERY, POST, OPTIONS"});
  std::string_view asked = request.header("Access-Control-Request-Headers");
  r.headers.push_back({"Access-Control-Allow-Headers",
                       asked.empty() ? "Last-Event-ID, Authorization, Cache-Control, Content-Type"
                                     : std::string(asked)});
  r.headers.push_back({"Access-Control-Max-Age", "600"});
  return r;
}

}  // namespace herald::server
