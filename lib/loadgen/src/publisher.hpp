#pragma once
// Publishes the plan's events through a request template over `window` keep-alive
// connections, at a fixed rate or as fast as answers come back. Each event's data carries
// its sequence number and send time (stamped just before the send).
//
// Order: at most `per_topic` publishes are in flight on one topic. With 1 (the default), a
// topic's event n+1 leaves only after event n was answered, so the hub must deliver them
// in sequence order and any reordering a subscriber sees is the hub's. With more, the hub
// may order concurrent publishes either way, and "reordered" is not a fault.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "herald/loadgen/histogram.hpp"
#include "herald/loadgen/plan.hpp"
#include "herald/loadgen/reason_counts.hpp"
#include "herald/loadgen/request_template.hpp"
#include "herald/loadgen/target.hpp"
#include "loop.hpp"

namespace herald::loadgen {

struct PublisherConfig {
  Target target;
  Template target_template{""};  // path and query, values url-escaped
  Template body_template{""};
  PublishFormat format;
  std::vector<std::string> headers;  // "Name: value"
  std::size_t window = 8;
  std::size_t per_topic = 1;
  double rate = 0;  // events/s; 0: as fast as the window allows
  std::size_t event_bytes = 64;
  std::uint64_t timeout_ns = 10'000'000'000;  // one publish, request to answer
};

struct PublishStats {
  std::uint64_t sent = 0;
  std::uint64_t ok = 0;  // 2xx
  std::uint64_t failed = 0;
  ReasonCounts failures;          // by event: status_<code>, timeout, closed, unreachable
  ReasonCounts connect_failures;  // by connection attempt
  LatencyHistogram latency;       // request sent to answer read, ns
  std::uint64_t first_send_ns = 0;
  std::uint64_t last_answer_ns = 0;
};

class Publisher {
 public:
  Publisher(Loop& loop, const Plan& plan, PublisherConfig config);
  ~Publisher();

  void start(std::uint64_t now);
  // Sends what is due, reconnects, times out; call at least every wake_ms().
  void tick(std::uint64_t now);
  int wake_ms(std::uint64_t now) const;
  bool done() const { return answered_ == plan_.events(); }
  const PublishStats& stats() const { return stats_; }

 private:
  class Conn;
  void connect(Conn& c, std::uint64_t now);
  void handle(Conn& c, std::uint32_t events);
  void send_next(Conn& c, std::uint64_t now);
  bool due(std::uint64_t now) const;
  void write_out(Conn& c);
  void read_answer(Conn& c);
  void answered(Conn& c, std::uint64_t now, int status);
  void lost(Conn& c, std::uint64_t now, const std::string& reason);
  void drop_connection(Conn& c, std::uint64_t now, std::uint64_t retry_after_ns);
  void give_up(const std::string& reason);

  Loop& loop_;
  const Plan& plan_;
  PublisherConfig config_;
  std::vector<std::string> topics_;       // names, built once
  std::vector<std::uint32_t> in_flight_;  // per topic
  std::vector<std::unique_ptr<Conn>> conns_;
  std::uint64_t next_ = 0;      // the next event to send
  std::uint64_t answered_ = 0;  // answered, failed or given up
  std::uint64_t start_ns_ = 0;
  std::uint64_t connect_failures_in_a_row_ = 0;
  std::string data_;  // the event data being formatted
  std::string body_;
  std::vector<char> buffer_;
  PublishStats stats_;
};

}  // namespace herald::loadgen
