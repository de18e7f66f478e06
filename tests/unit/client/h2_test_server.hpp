#pragma once
// The hub's own HTTP server (lib/http: HTTP/1.1, h2c with prior knowledge, h2 over TLS by
// ALPN) in-process on 127.0.0.1 (port 0), for the client's HTTP/2 tests: the client meets
// the server it will meet in production. A script answers each request on the server's
// shard: a whole response, or a stream whose bytes a feeder thread sends later (the shard
// must not block), each send its own DATA frame.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "herald/http/self_signed_certificate.hpp"
#include "herald/http/server.hpp"
#include "test_server.hpp"

namespace herald::client::test {

struct H2ServerOptions {
  bool tls = false;                    // the TLS listener (ALPN h2, http/1.1) instead of plain
  std::uint32_t h2_max_streams = 256;  // 0: HTTP/1.1 only, as the hub's --h2-max-streams 0
};

class H2TestServer {
 public:
  using Script =
      std::function<void(H2TestServer&, const http::Request&, http::Exchange&, std::size_t index)>;

  explicit H2TestServer(Script script, H2ServerOptions options = {});
  ~H2TestServer();
  H2TestServer(const H2TestServer&) = delete;
  H2TestServer& operator=(const H2TestServer&) = delete;

  std::uint16_t port() const;
  std::string origin() const;
  std::string url(std::string_view target = "/") const { return origin() + std::string(target); }
  // The certificate to trust (TLS only).
  const std::string& ca_file() const { return certificate_.cert_file; }

  std::vector<Request> requests() const;
  bool wait_requests(std::size_t n, std::chrono::milliseconds timeout) const;
  // Connections open now.
  std::size_t connections() const { return server_->connections(); }

  // From a script: sends `pieces` on the stream, one DATA frame each, `pause` apart, then
  // ends it (or, with `reset`, resets it instead).
  void feed(std::shared_ptr<http::StreamSink> sink, std::vector<std::string> pieces,
            std::chrono::milliseconds pause, bool reset = false);
  // Runs `fn` on the shard and waits for it.
  void on_shard(const std::function<void()>& fn);
  // Graceful stop (GOAWAY, then the open streams end); the destructor waits for it.
  void stop();

 private:
  H2ServerOptions options_;
  http::SelfSignedCertificate certificate_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<Request> requests_;
  std::vector<std::thread> feeders_;
  bool stopped_ = false;
};

// An SSE stream answer: 200 text/event-stream whose sink the script may feed.
std::shared_ptr<http::StreamSink> open_sse(http::Exchange& exchange);

}  // namespace herald::client::test
