#pragma once
// Everything an EventSource is configured with. Boost-free.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "herald/client/backoff.hpp"

namespace herald::client {

class ConnectionPool;  // herald/client/connection_pool.hpp

struct Header {
  std::string name;
  std::string value;
};

// When to connect, give up, and come back: what the connection state machine follows.
struct ConnectionPolicy {
  // The wait before a reconnect until the server sends `retry:` (browsers use about 3 s).
  std::chrono::milliseconds reconnection_time{3000};
  BackoffOptions backoff;
  // From the start of a connection attempt (resolve, connect, TLS, request) to the
  // response head. 0: none.
  std::chrono::milliseconds connect_timeout{10000};
  // An open stream that sends no byte for this long is dead (a heartbeat comment counts
  // as a byte). 0: none; set it to a few heartbeat periods of the server.
  std::chrono::milliseconds read_timeout{0};
  // Redirects followed by one connection attempt before it fails for good.
  int max_redirects = 10;
  // Retry 5xx answers with backoff instead of failing for good (the spec fails them).
  bool retry_server_errors = false;
};

struct TlsOptions {
  bool verify_peer = true;  // off only for tests against self-signed servers
  std::string ca_file;      // PEM bundle to trust instead of the system's
};

// Which HTTP version an EventSource speaks.
enum class Http2 {
  // As a browser does: https offers h2 and http/1.1 by ALPN and takes what the server
  // picks; plain http is HTTP/1.1.
  negotiate,
  off,  // HTTP/1.1 only (https offers only http/1.1)
  // HTTP/2 always: h2c with prior knowledge on http (the server must speak it), h2 by ALPN
  // on https; a server that does not agree is a fatal TLS error.
  required,
};

struct Options {
  std::string url;  // http:// or https://
  // GET is what EventSource sends; another method (e.g. POST or REPORT with a body) is
  // for servers that take a query in the body. The body is sent again on each reconnect.
  std::string method = "GET";
  std::string body;
  std::vector<Header> headers;  // e.g. {"Authorization", "Bearer ..."}; replaces a default
                                // header of the same name (Accept, Cache-Control)
  std::vector<Header> cookies;  // name/value pairs, sent as one Cookie header
  std::string last_event_id;    // sent on the first request when not empty
  std::size_t max_event_bytes = 1 << 20;  // larger events are skipped and reported
  ConnectionPolicy policy;
  TlsOptions tls;
  Http2 http2 = Http2::negotiate;
  // Shared: sources with the same pool and the same origin (scheme, host, port, TLS
  // options) open their streams on one HTTP/2 connection instead of one connection each.
  // Null: this source owns its connection. Every source of a pool must run on the same
  // executor (one thread, or one strand).
  std::shared_ptr<ConnectionPool> pool;
};

}  // namespace herald::client
