#pragma once
// OAuth 2.0 Protected Resource Metadata (RFC 9728) for the hub, as the Mercure draft's
// "Protected Resource Metadata" profiles it: how a 1.0 client learns the resource
// identifier to put in `aud`, and how to present its token.
#include <string>
#include <string_view>

#include "context.hpp"

namespace herald::server {

// Where this hub serves the document: RFC 9728's well-known prefix before the hub's path.
inline constexpr std::string_view resource_metadata_path =
    "/.well-known/oauth-protected-resource/.well-known/mercure";

// The document's URL for the hub at `hub_url` (RFC 9728 3.1: the well-known segment goes
// between the host and the path), e.g. https://hub.example.com/.well-known/mercure ->
// https://hub.example.com/.well-known/oauth-protected-resource/.well-known/mercure.
std::string resource_metadata_url(std::string_view hub_url);

// GET resource_metadata_path: the JSON document when the hub speaks 1.0, 404 otherwise.
void handle_resource_metadata(Context& ctx, const http::Request& request, http::Exchange& exchange);

}  // namespace herald::server
