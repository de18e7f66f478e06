#pragma once
// A log-bucketed latency histogram (the HdrHistogram layout, fixed precision): every power
// of two is split into 32 linear buckets, so a recorded value is known to within 1/32
// (~3%) however large it is. Recording is an index computation and an increment: no
// allocation, so subscribers can record every event.
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace herald::loadgen {

class LatencyHistogram {
 public:
  static constexpr int sub_bits = 6;                           // values < 64 are exact
  static constexpr std::uint64_t half = 1u << (sub_bits - 1);  // buckets per power of two
  static constexpr std::size_t bucket_count = (64 - sub_bits) * half + 2 * half;

  void record(std::uint64_t value);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  // The smallest bucket bound at or below which a fraction p (0 < p <= 1) of the samples
  // lie, clamped to the largest sample seen; 0 when empty.
  std::uint64_t percentile(double p) const;

  static std::size_t index_of(std::uint64_t value);
  static std::uint64_t lowest_in(std::size_t index);
  static std::uint64_t highest_in(std::size_t index);

  // Non-empty buckets as (index, count): how a worker process hands its histogram over.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> sparse() const;
  // Rebuilds from sparse() plus the exact extremes; false on an index out of range.
  bool load(const std::vector<std::pair<std::uint32_t, std::uint64_t>>& buckets, std::uint64_t min,
            std::uint64_t max);

 private:
  std::array<std::uint64_t, bucket_count> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

}  // namespace herald::loadgen
