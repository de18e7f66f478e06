#pragma once
// What an EventSource reports through on_error. Boost-free.
#include <chrono>
#include <string>
#include <string_view>

namespace herald::client {

enum class ErrorKind {
  network,          // resolve, connect, read or write failed (before or after open)
  tls,              // handshake failed; a certificate that does not verify is fatal
  connect_timeout,  // no response head within the connect timeout
  read_timeout,     // an open stream sent no byte (heartbeats included) for the read timeout
  stream_ended,     // the server ended an open stream
  http_status,      // a status other than 200 (204 included), or a redirect loop
  content_type,     // a 200 that is not text/event-stream
  bad_redirect,     // a redirect without a usable Location
  event_too_large,  // an event passed the maximum size and was skipped (the stream goes on)
  bad_options,      // the URL or a header cannot be sent
};

std::string_view to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::network;
  std::string message;
  int status = 0;           // the HTTP status, for http_status and content_type
  bool will_retry = false;  // a reconnect is scheduled; false: the source is closed (or,
                            // for event_too_large, the stream simply goes on)
  std::chrono::milliseconds retry_in{0};  // when will_retry: the wait before reconnecting
};

}  // namespace herald::client
