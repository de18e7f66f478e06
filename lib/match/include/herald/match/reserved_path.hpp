#pragma once
// The Mercure draft's reserved hub namespace ("Publication", "Reserved Hub Namespace"): the
// path subtree of the hub's URL holds the hub's own topics (subscription events), which no
// publisher may address, whether spelled relative, absolute with any scheme or host, with
// dot segments, or with percent-encoded unreserved characters.
#include <string_view>

namespace herald::match {

// Whether `topic`, resolved against `hub_url` with the URL parser URL patterns use, has the
// hub URL's path or a path under it (that path followed by '/'), compared after dot
// segments are removed and percent-encoded unreserved characters decoded. A topic that is
// not a URL reference (or has an opaque path, "urn:...") cannot name a hub path: false.
bool addresses_hub_path(std::string_view topic, std::string_view hub_url);

}  // namespace herald::match
