#pragma once
// A lock-free latency histogram with fixed buckets: cheap to record from any shard,
// rendered as a Prometheus histogram and summarized into percentiles for the dashboard.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace herald::server {

class LatencyHistogram {
 public:
  // Upper bounds in seconds; the last bucket is +Inf.
  // Dense below 10 ms, where a healthy publish lands, so percentiles mean something.
  static constexpr std::array<double, 22> bounds{
      0.000025, 0.00005, 0.000075, 0.0001, 0.00015, 0.00025, 0.0004, 0.0006, 0.001, 0.0015, 0.0025,
      0.004,    0.006,   0.01,     0.025,  0.05,    0.1,     0.25,   0.5,    1.0,   2.5,    5.0};
  static constexpr std::size_t bucket_count = bounds.size() + 1;
  using Counts = std::array<std::uint64_t, bucket_count>;

  void record(std::chrono::nanoseconds latency);
  Counts counts() const;
  std::uint64_t sum_ns() const { return sum_ns_.load(std::memory_order_relaxed); }

  // Appends the Prometheus exposition of this histogram under `name`.
  void render(const std::string& name, const std::string& help, std::string& out) const;
  // The q-quantile (0..1) in ms of the records in `now - before`, as a bucket upper bound
  // (0 when there are none).
  static double quantile_ms(const Counts& now, const Counts& before, double q);

 private:
  std::array<std::atomic<std::uint64_t>, bucket_count> buckets_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

}  // namespace herald::server
