#pragma once
// A scriptable HTTP/1.1 server on 127.0.0.1 (port 0) for the client tests: a real socket,
// so the whole client (resolver, connect, TLS, HTTP parsing, SSE parsing) runs. Every
// accepted connection gets its own thread; the request head (and body) is read first, then
// the script runs with the connection index. Every wait is bounded.
#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace herald::client::test {

struct Request {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::steady_clock::time_point received_at;

  // The value of the first header of that name (case-insensitive), or "" ...
  std::string header(std::string_view name) const;
  // ... and whether there is one at all.
  bool has(std::string_view name) const;
};

class Conn {
 public:
  Conn(int fd, SSL* ssl, Request request, const std::atomic<bool>* stopping)
      : fd_(fd), ssl_(ssl), request_(std::move(request)), stopping_(stopping) {}

  const Request& request() const { return request_; }
  // Raw bytes, in one write; false when the peer is gone.
  bool send(std::string_view bytes);
  // A head: "HTTP/1.1 <status> <reason>" and these header lines.
  bool send_head(int status, const std::vector<std::string>& header_lines);
  // 200, text/event-stream, chunked.
  bool send_sse_head();
  // One chunk of a chunked body (its own write).
  bool send_chunk(std::string_view data);
  bool end_chunks() { return send("0\r\n\r\n"); }
  // Waits until the client closes (true) or `timeout` passes (false).
  bool wait_peer_close(std::chrono::milliseconds timeout);
  // Sleeps, but wakes early when the server stops.
  void pause(std::chrono::milliseconds ms) const;

 private:
  int fd_;
  SSL* ssl_;
  Request request_;
  const std::atomic<bool>* stopping_;
};

class TestServer {
 public:
  using Script = std::function<void(Conn&, std::size_t index)>;

  // With `tls`, connections are TLS (the context holds the certificate).
  explicit TestServer(Script script, SSL_CTX* tls = nullptr);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string origin() const;
  std::string url(std::string_view target = "/") const { return origin() + std::string(target); }

  std::vector<Request> requests() const;
  std::size_t accepted() const { return accepted_.load(); }
  // Waits until `n` requests were read, or `timeout` passed; returns whether they were.
  bool wait_requests(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  void accept_loop();
  void serve(int fd, std::size_t index);

  Script script_;
  SSL_CTX* tls_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> accepted_{0};
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<Request> requests_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace herald::client::test
