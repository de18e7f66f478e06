#pragma once
// Who subscribes to what and what each should receive, derived from the Options alone, so
// the coordinator and every worker process agree without talking: event i (0-based) goes
// to topic i % topics with per-topic sequence number i / topics + 1.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "herald/loadgen/options.hpp"

namespace herald::loadgen {

class Plan {
 public:
  explicit Plan(const Options& o);

  std::size_t subscribers() const { return subscribers_; }
  std::size_t topics() const { return topics_; }
  std::uint64_t events() const { return events_; }
  std::size_t processes() const { return processes_; }
  // 1 over HTTP/1.1; streams per connection over HTTP/2.
  std::size_t subscribers_per_connection() const { return per_connection_; }
  std::size_t source_addresses() const { return source_addresses_; }

  std::string topic(std::size_t t) const { return prefix_ + std::to_string(t); }
  std::size_t topic_of_subscriber(std::size_t s) const { return s % topics_; }
  std::size_t topic_of_event(std::uint64_t i) const {
    return static_cast<std::size_t>(i % topics_);
  }
  std::uint64_t seq_of_event(std::uint64_t i) const { return i / topics_ + 1; }
  // How many events are published on topic t (its last sequence number).
  std::uint64_t events_on(std::size_t t) const;
  // Source address index of subscriber s: connections are spread round-robin, and the
  // subscribers of one HTTP/2 connection (consecutive numbers) share its address.
  std::size_t source_of_subscriber(std::size_t s) const {
    return s / per_connection_ % source_addresses_;
  }
  // Subscribers [first, second) of worker process p.
  std::pair<std::size_t, std::size_t> range_of_process(std::size_t p) const;

  // reconnect: the first sequence number a resuming client should get.
  std::uint64_t resume_first_seq() const { return resume_first_; }

 private:
  std::size_t subscribers_;
  std::size_t topics_;
  std::uint64_t events_;
  std::size_t processes_;
  std::size_t source_addresses_;
  std::size_t per_connection_;
  std::uint64_t resume_first_ = 1;
  std::string prefix_;
};

}  // namespace herald::loadgen
