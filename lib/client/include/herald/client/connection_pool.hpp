#pragma once
// herald::client::ConnectionPool: lets many EventSources share one HTTP/2 connection per
// origin instead of opening one connection each (browsers do the same over h2).
//
//   auto pool = std::make_shared<herald::client::ConnectionPool>();
//   for (const auto& topic : topics) {
//     herald::client::Options options;
//     options.url = "https://hub.example/.well-known/mercure?topic=" + topic;
//     options.pool = pool;
//     sources.push_back(std::make_unique<herald::client::EventSource>(io.get_executor(), options));
//   }
//
// Sources with the same pool and origin (scheme, host, port, TLS options) open their
// streams on one connection; each still follows its own reconnect rules. A connection that
// received GOAWAY takes no new stream (the next source opens a new one); one that breaks
// fails every stream on it; one with no stream left closes after `idle_close`. Only
// HTTP/2 connections are shared: a source that ends up on HTTP/1.1 (ALPN chose it, or
// Options::http2 is off) has a connection of its own, as without a pool.
//
// Threading: every source of a pool, and the pool's connections, run on one executor (one
// thread, or one strand); the pool itself is not thread-safe. Boost-free.
#include <chrono>
#include <cstddef>
#include <memory>

namespace herald::client {

class ConnectionPool {
 public:
  explicit ConnectionPool(std::chrono::milliseconds idle_close = std::chrono::seconds(1));
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // HTTP/2 connections that take new streams now (on the executor's thread).
  std::size_t connections() const;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::client
