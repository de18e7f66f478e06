#pragma once
// Small helpers for programs that serve their own SSE endpoints with herald's HTTP layer.
// Mercure discovery (the `Link: <hub>; rel="mercure"` header) is in herald/server/discovery.hpp.
#include <vector>

#include "herald/http/message.hpp"
#include "herald/http/stream_sink.hpp"
#include "herald/wire/event.hpp"

namespace herald::sse {

// The headers every SSE response wants (SSE-SPEC rules 20 and 22).
std::vector<http::Header> sse_headers();

// Serializes `event` into a buffer the stream owns, queues it and flushes. Returns false
// (and sends nothing) when the event cannot be serialized (CR/LF/NUL in id or type).
bool send_event(http::StreamSink& sink, const wire::Event& event);

}  // namespace herald::sse
