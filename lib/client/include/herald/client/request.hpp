#pragma once
// Writes an HTTP/1.1 request head (and body) for one connection attempt. Boost-free.
#include <string>
#include <string_view>
#include <vector>

#include "herald/client/options.hpp"
#include "herald/client/url.hpp"

namespace herald::client {

// A header that can go on the wire: the name a token, the value free of CR, LF and NUL
// (which would let it inject other headers). Sets `error` when not.
bool valid_header(std::string_view name, std::string_view value, std::string* error = nullptr);

// The fields of a request, for HTTP/1.1 and HTTP/2 alike: `defaults` first unless
// `headers` has one of the same name (case insensitive), then `headers` (but Host and
// Content-Length); Content-Length (and a text/plain Content-Type unless one is given) when
// there is a body or the method usually has one. Host is not among them.
std::vector<Header> request_fields(std::string_view method, const std::vector<Header>& defaults,
                                   const std::vector<Header>& headers, std::string_view body);

// The HTTP/1.1 request: the request line, Host from the URL, request_fields(), the body.
std::string build_request(const Url& url, std::string_view method,
                          const std::vector<Header>& defaults, const std::vector<Header>& headers,
                          std::string_view body);

// The headers an EventSource adds to every attempt (SSE-SPEC.md rule 15): Accept,
// Cache-Control, Last-Event-ID when `last_event_id` is not empty, Cookie when there are
// cookies.
std::vector<Header> event_stream_headers(std::string_view last_event_id,
                                         const std::vector<Header>& cookies);

}  // namespace herald::client
