#pragma once
// One worker shard: a thread, its io_context, its acceptor, its connections, and the one
// timer that sweeps them (header timeouts, idle timeouts, stream keep-alives, shutdown).
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "herald/base/log_limiter.hpp"
#include "herald/http/server.hpp"
#include "tls_context.hpp"

namespace herald::http {

class LiveConnection;
struct ServerShared;

class Shard {
 public:
  Shard(std::size_t index, ServerShared& shared);
  ~Shard();

  // Adds an acceptor for `endpoint` (one per address the listen host resolved to); its
  // connections speak TLS when `tls`.
  void listen(const boost::asio::ip::tcp::endpoint& endpoint, bool tls);
  std::uint16_t local_port(bool tls) const;
  void start();           // accept and sweep, on this shard's thread
  void begin_shutdown();  // posts the graceful shutdown onto the shard
  void join();

  boost::asio::io_context& io() { return io_; }
  // A read buffer shared by the shard's connections for synchronous reads: used and
  // done with inside one handler, never across an asynchronous operation.
  std::span<char> scratch() { return scratch_; }
  std::size_t index() const { return index_; }
  ServerShared& shared() { return shared_; }
  // A TLS handshake failed or timed out: counted, logged at debug, and at most once per
  // period as a warning (a scanner must not fill the log).
  void note_handshake_failure(std::uint64_t connection, std::string_view reason);

  // The gauges behind Server::by_protocol(). Only this shard's thread changes them, so a
  // relaxed load and store is enough (no read-modify-write); other threads only read.
  void count_connection(Protocol protocol, bool tls, int delta) {
    bump(connections_by_[slot(protocol, tls)], delta);
  }
  void count_stream(Protocol protocol, bool tls, int delta) {
    bump(streams_by_[slot(protocol, tls)], delta);
  }
  // A connection that was counted as HTTP/1.1 now speaks HTTP/2.
  void count_turned_h2(bool tls) {
    count_connection(Protocol::http1, tls, -1);
    count_connection(Protocol::h2, tls, +1);
  }
  void add_counts(ProtocolCounts& total) const;

  // Intrusive list of live connections (for sweeps and shutdown).
  void link(LiveConnection& c);
  void unlink(LiveConnection& c);

 private:
  struct Listener {
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
    bool tls;
  };

  static std::size_t slot(Protocol protocol, bool tls) {
    return static_cast<std::size_t>(protocol) * 2 + (tls ? 1 : 0);
  }
  static void bump(std::atomic<std::int64_t>& gauge, int delta) {
    gauge.store(gauge.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
  }

  void accept(Listener& listener);
  void admit(boost::asio::ip::tcp::socket socket, bool tls);
  void schedule_sweep();
  void sweep();
  void shutdown_step();

  std::size_t index_;
  ServerShared& shared_;
  std::array<char, 16 * 1024> scratch_;
  boost::asio::io_context io_{1};
  std::vector<Listener> listeners_;
  boost::asio::steady_timer sweep_timer_;
  std::thread thread_;
  LiveConnection* head_ = nullptr;
  std::array<std::atomic<std::int64_t>, 4> connections_by_{};  // [slot(protocol, tls)]
  std::array<std::atomic<std::int64_t>, 4> streams_by_{};
  bool shutting_down_ = false;
  std::chrono::steady_clock::time_point shutdown_deadline_;
  std::chrono::steady_clock::time_point next_keepalive_;
  std::chrono::steady_clock::time_point next_trim_;
  // At the fd limit or --max-connections these would log on every accept.
  log::LineLimiter accept_failed_log_{std::chrono::seconds(10)};
  log::LineLimiter refused_log_{std::chrono::seconds(10)};
  log::LineLimiter handshake_failed_log_{std::chrono::seconds(10)};
};

// What every shard shares: options, the handler, TLS credentials, the counters.
struct ServerShared {
  ServerOptions options;
  Handler handler;
  std::unique_ptr<TlsCredentials> tls;  // null without a TLS listener
  std::atomic<std::size_t> connections{0};
  std::atomic<std::uint64_t> bytes_written{0};
  std::atomic<std::uint64_t> next_connection_id{1};
  std::atomic<std::uint64_t> tls_handshake_failures{0};
};

}  // namespace herald::http
