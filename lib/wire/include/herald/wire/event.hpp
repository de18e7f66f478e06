#pragma once
// The SSE event model shared by the serializer (server side) and the parser (client side).
#include <cstdint>
#include <optional>
#include <string>

namespace herald::wire {

// One event as a server sends it. Empty optional fields are not written.
struct Event {
  std::optional<std::string> id;       // `id:` line; must not contain CR, LF or NUL
  std::string type;                    // `event:` line; empty means the default "message"
  std::string data;                    // split into `data:` lines at CR, LF and CRLF
  std::optional<std::uint32_t> retry;  // `retry:` line, milliseconds
  std::string comment;                 // `:` lines before the fields (may be multi-line)
};

// One event as a client receives it (what EventSource dispatches).
struct ReceivedEvent {
  std::string type;           // "message" when no `event:` field was given
  std::string data;           // without the final LF
  std::string last_event_id;  // the stream's last event ID at dispatch
};

bool operator==(const ReceivedEvent& a, const ReceivedEvent& b);

}  // namespace herald::wire
