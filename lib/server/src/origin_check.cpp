#include "origin_check.hpp"
#include "herald/base/strings.hpp"

namespace herald::server {

namespace {

// "scheme://authority" of an absolute URL; nullopt when `url` is not one.
std::optional<std::string> origin_of_url(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return std::nullopt;
  auto authority_end = url.find_first_of("/?#", scheme_end + 3);
  std::string_view origin = url.substr(0, authority_end);
  if (origin.size() == scheme_end + 3) return std::nullopt;  // no host
  return std::string(origin);
}

}  // namespace

std::optional<std::string> request_origin(const http::Request& request) {
  std::string_view origin = request.header("Origin");
  if (!origin.empty()) return std::string(origin);
  std::string_view referer = request.header("Referer");
  if (referer.empty()) return std::nullopt;
  return origin_of_url(referer);
}

bool is_same_host(std::string_view origin, std::string_view host) {
  auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos || host.empty()) return false;
  return iequals(origin.substr(scheme_end + 3), host);
}

bool cookie_origin_allowed(const http::Request& request, const Cors& allowed, std::string& why) {
  auto origin = request_origin(request);
  if (!origin) {
    why = "a request authenticated by the cookie must carry an Origin or Referer header";
    return false;
  }
  // `*` does not count: a cookie says who the user is, so only a listed origin may use it.
  if (allowed.allows_credentials(*origin) || is_same_host(*origin, request.header("Host")))
    return true;
  why = "origin " + origin->substr(0, 200) +
        " may not use the authorization cookie (see --publish-origins and --cors-origins)";
  return false;
}

}  // namespace herald::server
