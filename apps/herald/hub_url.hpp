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

// What `herald sub` selects on a Mercure hub: 0.x topic selectors or 1.0 matchers (a hub
// refuses a request that mixes the two generations, so the caller lets only one be set).
struct Selectors {
  std::vector<std::string> topics;        // 0.x `topic=`: exact topics or URI templates
  std::vector<std::string> matches;       // 1.0 `match=`: exact, byte for byte
  std::vector<std::string> url_patterns;  // 1.0 `match_urlpattern=`: WHATWG URL Patterns
  // 1.0 only: `last_event_id=` on the URL (0.x and plain streams send the Last-Event-ID
  // header instead). Reconnections send that header, which a hub prefers to the query.
  std::string last_event_id;

  bool v1() const { return !matches.empty() || !url_patterns.empty(); }
  bool empty() const { return topics.empty() && !v1(); }
};

// What `herald sub` connects to. With selectors, a Mercure hub: its endpoint (as
// mercure_endpoint) with the topics appended (as with_topics), or the 1.0 parameters
// encoded as URLSearchParams would, as the draft's examples build them. Without, any SSE
// URL, used exactly as given: a plain stream, or a hub endpoint whose query already names
// its topics.
std::optional<std::string> subscription_url(std::string_view text, const Selectors& selectors,
                                            std::string& error);

}  // namespace herald::app
