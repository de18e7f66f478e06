#pragma once
// What a shard keeps of each connection it serves, whichever protocol it speaks (HTTP/1.1:
// Connection, HTTP/2: H2Connection): its place in the shard's intrusive list, and what
// the shard's sweep and shutdown ask of it.
#include <chrono>
#include <memory>
#include <string_view>

namespace herald::http {

class LiveConnection {
 public:
  using clock = std::chrono::steady_clock;

  virtual ~LiveConnection() = default;

  // Timeouts (header, idle, write stall), and a keep-alive for idle streams when due.
  virtual void sweep(clock::time_point now, bool keepalive_due) = 0;
  // Graceful: streams end, the connection closes once what it owes is written.
  virtual void shutdown() = 0;
  virtual void close_now(std::string_view reason) = 0;
  // Keeps the connection alive while the shard calls it (it may unlink itself meanwhile).
  virtual std::shared_ptr<void> keep_alive() = 0;

  // The shard's intrusive list.
  LiveConnection* prev = nullptr;
  LiveConnection* next = nullptr;
  bool linked = false;
};

}  // namespace herald::http
