#pragma once
// `herald sub` and `herald pub` take the hub as typed by a person: its base URL
// (http://127.0.0.1:8080) or the full endpoint (http://127.0.0.1:8080/.well-known/mercure).
// `herald sub` also reads any other text/event-stream URL as it is.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/client/url.hpp"

namespace herald::app {

// The Mercure endpoint: the URL as is when its path already ends with /.well-known/mercure,
// else that path appended to it. A query the user gave is kept.
std::optional<client::Url> mercure_endpoint(std::string_view text, std::string& error);

// `url` with one `topic=` query parameter per topic (percent-encoded) appended.
std::string with_topics(const client::Url& url, const std::vector<std::string>& topics);

// What `herald sub` connects to. With topics, a Mercure hub: its endpoint (as
// mercure_endpoint) with the topics appended. Without, any SSE URL, used exactly as given:
// a plain stream, or a hub endpoint whose query already names its topics.
std::optional<std::string> subscription_url(std::string_view text,
                                            const std::vector<std::string>& topics,
                                            std::string& error);

}  // namespace herald::app
