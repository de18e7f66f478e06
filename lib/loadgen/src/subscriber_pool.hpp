#pragma once
// The subscribers of one process: connects them with bounded concurrency and a deadline,
// does their TLS handshakes (https://), reads their streams, and counts what happened to each
// (failures by reason).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "herald/loadgen/accounting.hpp"
#include "herald/loadgen/sse_stream.hpp"
#include "herald/loadgen/subscriber_ledger.hpp"
#include "herald/loadgen/target.hpp"
#include "loop.hpp"
#include "tls_socket.hpp"

namespace herald::loadgen {

struct SubscriberPoolConfig {
  Target target;
  std::vector<std::string> headers;  // extra request headers, "Name: value"
  std::string last_event_id;         // sent as Last-Event-ID when not empty
  std::size_t connect_concurrency = 256;
  std::uint64_t connect_timeout_ns = 10'000'000'000;
  std::size_t streams_per_connection = 100;  // H2SubscriberPool: subscribers per connection
  const TlsClient* tls = nullptr;  // https://: every connection does its handshake with it
};

class SubscriberPool {
 public:
  SubscriberPool(Loop& loop, StreamContext& context, SubscriberPoolConfig config);
  ~SubscriberPool();

  // Queues a subscriber for `target` (path and query) from source address `source`,
  // expecting events first..last. capture_seq: remember that event's SSE id.
  void add(std::string target, std::uint32_t source, std::uint64_t first, std::uint64_t last,
           std::uint64_t capture_seq = 0);
  // Starts queued connects up to the concurrency bound and fails those past the deadline.
  void tick(std::uint64_t now);

  bool settled() const { return next_ == subs_.size() && in_progress_ == 0; }
  // Every subscriber has failed, dropped, or received all it expected.
  bool finished() const { return settled() && ledger_.finished() == subs_.size(); }
  std::uint64_t connected() const { return ledger_.connected(); }
  std::uint64_t failed() const { return ledger_.failed(); }
  SubscriberTotals totals() const;  // malformed is the StreamContext's
  const SseStream& stream(std::size_t i) const;
  void close_all();

 private:
  class Subscription;
  void fill(std::uint64_t now);
  void start(Subscription& s, std::uint64_t now);
  void handle(Subscription& s, std::uint32_t events);
  void handshake(Subscription& s);
  void send_request(Subscription& s);
  void fail(Subscription& s, const std::string& reason);
  void closed(Subscription& s);
  std::string request_for(const Subscription& s) const;

  Loop& loop_;
  StreamContext& context_;
  SubscriberPoolConfig config_;
  std::vector<std::unique_ptr<Subscription>> subs_;
  std::size_t next_ = 0;         // the next subscriber to connect
  std::size_t scan_from_ = 0;    // subscribers before it have all settled
  std::size_t in_progress_ = 0;  // connecting or waiting for the response head
  SubscriberLedger ledger_;
  std::vector<char> buffer_;  // one receive buffer for every subscriber of the process
};

}  // namespace herald::loadgen
