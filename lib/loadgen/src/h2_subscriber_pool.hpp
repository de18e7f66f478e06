#pragma once
// The subscribers of one process over HTTP/2 (h2c with prior knowledge, or h2 over TLS with
// ALPN when config.tls is set): streams_per_connection
// subscribers share each connection, one stream each. Connects with bounded concurrency
// (counted in subscribers, as SubscriberPool counts them) and a deadline, and counts what
// happened to each subscriber exactly as SubscriberPool does.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "herald/loadgen/accounting.hpp"
#include "herald/loadgen/h2_subscriber_connection.hpp"
#include "herald/loadgen/subscriber_ledger.hpp"
#include "loop.hpp"
#include "subscriber_pool.hpp"

namespace herald::loadgen {

class H2SubscriberPool {
 public:
  H2SubscriberPool(Loop& loop, StreamContext& context, SubscriberPoolConfig config);
  ~H2SubscriberPool();

  // As SubscriberPool::add. Consecutive subscribers from one source share a connection
  // until it holds streams_per_connection.
  void add(std::string target, std::uint32_t source, std::uint64_t first, std::uint64_t last,
           std::uint64_t capture_seq = 0);
  void tick(std::uint64_t now);

  bool settled() const { return next_ == connections_.size() && in_progress_ == 0; }
  bool finished() const { return settled() && ledger_.finished() == subscribers_.size(); }
  std::uint64_t connected() const { return ledger_.connected(); }
  std::uint64_t failed() const { return ledger_.failed(); }
  SubscriberTotals totals() const;  // malformed is the StreamContext's
  void close_all();

 private:
  class Connection;
  void fill(std::uint64_t now);
  void start(Connection& c, std::uint64_t now);
  void handle(Connection& c, std::uint32_t events);
  void handshake(Connection& c);
  void open(Connection& c);  // the connection is ready for HTTP/2: its preface goes out
  void receive(Connection& c);
  void flush(Connection& c);
  // Ends the connection; what it still held is counted as lost with `reason`.
  void drop(Connection& c, const std::string& reason);
  // After the connection's streams moved on: fewer subscribers in progress.
  void settle(Connection& c, std::size_t waiting_before);
  client::H2Request request_template() const;

  Loop& loop_;
  StreamContext& context_;
  SubscriberPoolConfig config_;
  SubscriberLedger ledger_;
  std::vector<std::unique_ptr<Subscriber>> subscribers_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::size_t next_ = 0;         // the next connection to start
  std::size_t in_progress_ = 0;  // subscribers of started connections without a head yet
  std::vector<char> buffer_;     // one receive buffer for every connection of the process
};

}  // namespace herald::loadgen
