#pragma once
// What a subscribe request asks for, read under the rules of the Mercure generation it
// speaks: 0.x (`topic=` selectors, `lastEventID`) or 1.0 (`match`, `match_exact`,
// `match_urlpattern`, `last_event_id`, also in a form body of a safe method such as
// QUERY). Sans-I/O: strings in, a request or a refusal out.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "herald/auth/token_generation.hpp"
#include "herald/match/selector.hpp"
#include "herald/server/config.hpp"

namespace herald::server {

// One subscription of the request: its selector and, for 1.0, its matcher type name
// ("exact" or "urlpattern"; empty for a 0.x topic selector).
struct RequestedMatcher {
  match::Selector selector;
  std::string match_type;
};

struct SubscribeRequest {
  auth::TokenGeneration generation = auth::TokenGeneration::mercure_0x;
  std::vector<RequestedMatcher> matchers;  // distinct, in request order
  // Where to resume from: the Last-Event-ID header, else the query's (1.0: `last_event_id`,
  // query before body; 0.x: `lastEventID`, or older clients' `Last-Event-ID`).
  std::string last_event_id;
  // Whether the client named one at all (1.0 then answers Mercure-Last-Event-ID).
  bool has_last_event_id = false;
};

struct SubscribeRefusal {
  int status;  // 400 (or 405 for a body on a method that may not carry one)
  std::string message;
};

struct SubscribeInput {
  std::string_view query;                // without '?'
  std::optional<std::string_view> body;  // a form body (QUERY, or a GET with one)
  std::string_view last_event_id_header;
  bool has_last_event_id_header = false;
};

// Reads `input` under `config` (limits, --protocol); relative URL patterns resolve against
// `hub_url` (config.hub_url(), which the server computes once rather than per subscribe).
std::variant<SubscribeRequest, SubscribeRefusal> read_subscribe_request(const SubscribeInput& input,
                                                                        const Config& config,
                                                                        std::string_view hub_url);

}  // namespace herald::server
