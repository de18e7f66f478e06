#pragma once
// Where a browser request comes from, for requests that a cookie authenticates: a cookie
// is sent by the browser on its own, so without this check any page could publish (or
// subscribe) in the user's name (CSRF).
#include <optional>
#include <string>
#include <string_view>

#include "cors.hpp"
#include "herald/http/message.hpp"

namespace herald::server {

// The request's origin ("scheme://host[:port]"): the Origin header, else the origin of
// the Referer, as Mercure does. nullopt when there is neither (or the Referer is not a
// URL).
std::optional<std::string> request_origin(const http::Request& request);

// Whether `origin` names the host the request was sent to (its Host header): a page of the
// hub's own origin is not a cross-site request, whatever the allowed list says.
bool is_same_host(std::string_view origin, std::string_view host);

// Whether a cookie-authenticated request may proceed: its origin is in `allowed` or is
// the hub's own. When not, `why` says so for a 403.
bool cookie_origin_allowed(const http::Request& request, const Cors& allowed, std::string& why);

}  // namespace herald::server
