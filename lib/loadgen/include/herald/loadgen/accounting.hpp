#pragma once
// The totals a worker process reports for its subscribers, how several are merged, and
// the JSON forms they travel in (worker -> coordinator) and are reported as.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "herald/loadgen/histogram.hpp"
#include "herald/loadgen/reason_counts.hpp"
#include "herald/loadgen/sequence_tracker.hpp"

namespace herald::loadgen {

struct SubscriberTotals {
  std::uint64_t requested = 0;
  std::uint64_t connected = 0;  // got a 200 event stream
  std::uint64_t failed = 0;     // never got one
  ReasonCounts failures;        // refused, timeout, status_503, ...
  std::uint64_t dropped = 0;    // the stream ended before every expected event came
  std::uint64_t expected = 0;   // over every subscriber, connected or not
  std::uint64_t delivered = 0;  // distinct expected events received
  // delivered + missing == expected: a subscriber that never connected missed its share.
  std::uint64_t missing = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  std::uint64_t unexpected = 0;  // sequence numbers outside what was expected
  std::uint64_t malformed = 0;   // events whose data is not a bench payload

  void add(const SubscriberTotals& other);
  // One subscriber's deliveries (expected .. unexpected), connected or not: one that never
  // connected missed all it should have received.
  void add_stream(const SequenceTracker& t);
};

void to_json(nlohmann::json& j, const SubscriberTotals& t);
void from_json(const nlohmann::json& j, SubscriberTotals& t);

// Lossless: sparse buckets plus the exact extremes.
nlohmann::json histogram_to_json(const LatencyHistogram& h);
bool histogram_from_json(const nlohmann::json& j, LatencyHistogram& h);

// {"count", "p50", "p90", "p99", "p99_9", "max"} in milliseconds (3 decimals).
nlohmann::json latency_summary_ms(const LatencyHistogram& h);

}  // namespace herald::loadgen
