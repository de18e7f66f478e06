#pragma once
// Mercure discovery for programs that embed or sit beside a hub: the Link header that
// tells a client where to subscribe for updates of the resource it just fetched.
#include <string_view>

#include "herald/http/message.hpp"

namespace herald::server {

// `Link: <hub_url>; rel="mercure"`. `hub_url` is the hub's subscribe URL, absolute
// ("https://example.com/.well-known/mercure") or relative to the response's origin.
http::Header mercure_link(std::string_view hub_url);

// Adds the Link header to `response` (several hubs: call once per hub).
void add_mercure_link(http::Response& response, std::string_view hub_url);

}  // namespace herald::server
