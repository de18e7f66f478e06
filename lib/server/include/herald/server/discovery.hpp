#pragma once
// Mercure discovery for programs that embed or sit beside a hub: the Link header that
// tells a client where to subscribe for updates of the resource it just fetched.
#include <string_view>

#include "herald/http/message.hpp"

namespace herald::server {

// The optional target attributes of a `rel="mercure"` link (the Mercure 1.0 draft's
// "Discovery"); empty ones are left out.
struct MercureLinkAttributes {
  // The reconciliation cursor: the id of the last event the hub dispatched when the
  // resource was generated; a subscriber passes it back as `last_event_id`.
  std::string_view last_event_id;
  std::string_view type;          // the SSE event type of the updates
  std::string_view content_type;  // the media type of their data
};

// `Link: <hub_url>; rel="mercure"` and the given attributes. `hub_url` is the hub's
// subscribe URL, absolute ("https://example.com/.well-known/mercure") or relative to the
// response's origin.
http::Header mercure_link(std::string_view hub_url, const MercureLinkAttributes& attributes = {});

// Adds the Link header to `response` (several hubs: call once per hub).
void add_mercure_link(http::Response& response, std::string_view hub_url);

}  // namespace herald::server
