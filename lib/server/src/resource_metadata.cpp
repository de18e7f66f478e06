#include "resource_metadata.hpp"

#include <nlohmann/json.hpp>

#include "herald/auth/access_grants.hpp"

namespace herald::server {

std::string resource_metadata_url(std::string_view hub_url) {
  constexpr std::string_view well_known = "/.well-known/oauth-protected-resource";
  const std::size_t scheme = hub_url.find("://");
  const std::size_t path =
      scheme == std::string_view::npos ? std::string_view::npos : hub_url.find('/', scheme + 3);
  if (path == std::string_view::npos) return std::string(hub_url) + std::string(well_known);
  // RFC 9728 keeps the resource's path but not its fragment; a query stays with the path.
  std::string_view rest = hub_url.substr(path);
  rest = rest.substr(0, rest.find('#'));
  return std::string(hub_url.substr(0, path)) + std::string(well_known) + std::string(rest);
}

void handle_resource_metadata(Context& ctx, const http::Request& request,
                              http::Exchange& exchange) {
  if (!ctx.config.speaks_v1()) {
    // A 0.x hub publishes none: the draft lets clients read its absence as "pre-1.0 hub".
    return exchange.respond(
        http::Response::text(404, "this hub speaks Mercure 0.x only (--protocol 0)"));
  }
  if (request.method != "GET" && request.method != "HEAD") {
    return exchange.respond(http::Response::text(405, "use GET"));
  }
  nlohmann::json document = {
      {"resource", ctx.config.resource_identifier()},
      {"authorization_details_types_supported", {auth::kMercureDetailType}},
      // The cookie is no RFC 6750 method: it has a member of its own.
      {"bearer_methods_supported", {"header"}},
      {"mercure_cookie", ctx.config.access_cookie_name},
      {"mercure_matcher_types_supported", {"exact", "urlpattern"}},
  };
  if (ctx.config.subscriptions) document["mercure_subscriptions"] = true;
  http::Response r;
  r.content_type = "application/json";
  r.body = document.dump();
  exchange.respond(std::move(r));
}

}  // namespace herald::server
