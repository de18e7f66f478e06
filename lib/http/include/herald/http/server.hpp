#pragma once
// The HTTP server: one io_context and thread per worker shard, one SO_REUSEPORT acceptor
// per shard, every connection on one shard for life.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "herald/http/message.hpp"
#include "herald/http/stream_sink.hpp"

namespace herald::http {

// The TLS listener (HTTPS): TLS 1.2 or 1.3, ALPN h2 (unless HTTP/2 is off) and http/1.1.
struct TlsOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8443;
  std::string cert_file;  // PEM: the certificate, then the chain that leads to its CA
  std::string key_file;   // PEM: its private key, unencrypted
};

struct ServerOptions {
  // The plain listener (HTTP), unless `plain` is false (a TLS-only server).
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  bool plain = true;
  // The TLS listener, on the same shards as the plain one: one hub serves both.
  std::optional<TlsOptions> tls;
  std::size_t threads = 1;
  std::size_t max_connections = 19000;
  // Request line + headers; over: 431. Also bounds one chunk-size line (with extensions)
  // and the trailer section. All a request may make a connection parse is bounded by
  // RequestReader::byte_budget (two heads, the body, chunk framing); over: 413.
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;         // over: 413
  std::chrono::milliseconds header_timeout{10000};  // first byte (TLS: connect) to end of headers
  std::chrono::milliseconds body_timeout{10000};    // longest pause inside a body: 408
  std::chrono::milliseconds write_timeout{30000};   // longest a write may not drain
  std::chrono::milliseconds idle_timeout{60000};    // keep-alive connection with no request
  std::chrono::milliseconds keepalive_interval{15000};  // 0: no keep-alive bytes
  std::string keepalive_bytes = ":\n";                  // written to idle streams each interval
  std::chrono::milliseconds shutdown_grace{5000};
  // HTTP/2 (TLS: ALPN h2; plain: h2c with prior knowledge): SETTINGS_MAX_CONCURRENT_STREAMS
  // per connection, over: REFUSED_STREAM. 0: HTTP/2 off, every connection is HTTP/1.1.
  // The header and body limits above apply to each HTTP/2 request too.
  std::uint32_t h2_max_streams = 256;
};

// What a connection speaks, for the counts by protocol.
enum class Protocol : std::uint8_t { http1 = 0, h2 = 1 };

// Open connections and open streamed responses, by protocol and TLS, each indexed
// [protocol][tls]. A connection counts as HTTP/1.1 until it turns to HTTP/2 (so a TLS one
// whose handshake is still choosing counts as HTTP/1.1). A stream is a streamed response
// (open_stream, i.e. an SSE subscriber): one per streaming HTTP/1.1 connection, one per
// streaming HTTP/2 stream; plain responses are not counted.
struct ProtocolCounts {
  std::array<std::array<std::size_t, 2>, 2> connections{};
  std::array<std::array<std::size_t, 2>, 2> streams{};
};

// An answer given later, from any thread (see Exchange::respond_later). Only while the
// Server exists: the answer is posted to its shard.
class LateResponse {
 public:
  virtual ~LateResponse() = default;
  // Thread-safe; the first call wins, later ones are ignored. Hands the response to the
  // connection's own thread; if the connection (or the HTTP/2 stream) is gone meanwhile,
  // the response is dropped quietly.
  virtual void respond(Response response) = 0;
};

// Given to a handler with each request: answer with exactly one of these, before
// returning.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual void respond(Response response) = 0;
  // Sends 200 with these headers and a chunked body fed through the returned sink.
  virtual std::shared_ptr<StreamSink> open_stream(std::string_view content_type,
                                                  std::vector<Header> headers) = 0;
  // The handler answers later (after a durable store's commit, say): it returns without
  // respond() or open_stream() and answers through the returned object, from any thread.
  // Meanwhile an HTTP/1.1 connection reads no further request (answers stay in request
  // order) and is not timed out for idleness; an HTTP/2 stream stays open while its
  // siblings go on. An answer never given leaves the request waiting until the client
  // leaves or the server stops.
  virtual std::shared_ptr<LateResponse> respond_later() = 0;
};

using Handler = std::function<void(const Request&, Exchange&)>;

class Server {
 public:
  // Throws std::runtime_error when the TLS certificate or key cannot be used.
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every shard's acceptors; throws std::system_error when it cannot.
  void bind();
  const ServerOptions& options() const { return options_; }
  std::string host() const { return options_.host; }
  std::uint16_t port() const;      // the plain listener's
  std::uint16_t tls_port() const;  // the TLS listener's
  // Loads the TLS certificate and key again (SIGHUP): new handshakes use them, open
  // connections keep theirs. Returns the new certificate's subject; throws
  // std::runtime_error, naming the file, and keeps the old certificate when it cannot.
  std::string reload_tls();
  // The TLS certificate's subject, e.g. "/CN=hub.example.com"; empty without TLS.
  std::string tls_subject() const;
  // Starts one thread per shard.
  void start();
  // Graceful: stops accepting, ends streams, drains, then lets wait() return.
  void stop();
  // Blocks until every shard thread has finished.
  void wait();

  std::size_t shard_count() const;
  boost::asio::io_context& context(std::size_t shard);
  std::size_t connections() const;
  // Summed over the shards (each counts its own, relaxed): a snapshot, not a transaction.
  ProtocolCounts by_protocol() const;
  std::uint64_t bytes_written() const;
  // TLS handshakes that failed or timed out, clients that left in the middle included.
  std::uint64_t tls_handshake_failures() const;

 private:
  struct Impl;
  ServerOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::http
