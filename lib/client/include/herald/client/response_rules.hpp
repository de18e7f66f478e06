#pragma once
// What a response head means for an EventSource (SSE-SPEC.md rule 16): open, follow a
// redirect, stop for good, or fail. Pure functions, Boost-free.
#include <string_view>

namespace herald::client {

enum class Verdict {
  open,         // 200 with Content-Type essence text/event-stream
  redirect,     // 301, 302, 303, 307, 308: follow the Location
  stop,         // 204: the server asks the client to stop for good
  fail,         // any other status, or a 200 of another type: fail, no reconnect
  retry_later,  // a 5xx when the caller opted into retrying them
};

// The essence of a media type: the type/subtype before any parameter, trimmed and lower
// cased ("Text/Event-Stream; charset=utf-8" -> "text/event-stream").
std::string_view media_type_essence(std::string_view content_type, char (&scratch)[64]);

bool is_event_stream(std::string_view content_type);

bool is_redirect(int status);

// Redirects that turn the request into a GET without a body (what browsers do): 303
// always, 301 and 302 when the method was POST.
bool redirect_drops_body(int status, std::string_view method);

Verdict classify(int status, std::string_view content_type, bool retry_server_errors);

}  // namespace herald::client
