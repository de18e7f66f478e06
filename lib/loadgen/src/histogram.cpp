#include "herald/loadgen/histogram.hpp"

#include <bit>
#include <cmath>

namespace herald::loadgen {

std::size_t LatencyHistogram::index_of(std::uint64_t value) {
  if (value < 2 * half) return static_cast<std::size_t>(value);
  // value = mantissa << shift with mantissa in [half, 2*half): the bucket is (shift, mantissa).
  auto shift = static_cast<std::uint64_t>(std::bit_width(value)) - sub_bits;
  std::uint64_t mantissa = value >> shift;
  return static_cast<std::size_t>(shift * half + mantissa);
}

std::uint64_t LatencyHistogram::lowest_in(std::size_t index) {
  if (index < 2 * half) return index;
  std::uint64_t shift = index / half - 1;
  std::uint64_t mantissa = index - shift * half;
  return mantissa << shift;
}

std::uint64_t LatencyHistogram::highest_in(std::size_t index) {
  if (index < 2 * half) return index;
  std::uint64_t shift = index / half - 1;
  // lowest + width - 1, written so that the top bucket does not overflow.
  return lowest_in(index) + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::record(std::uint64_t value) {
  ++counts_[index_of(value)];
  ++count_;
  if (value < min_) min_ = value;
  if (value > max_) max_ = value;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < bucket_count; ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  if (other.min_ < min_) min_ = other.min_;
  if (other.max_ > max_) max_ = other.max_;
}

std::uint64_t LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(count_)));
  if (rank < 1) rank = 1;
  if (rank > count_) rank = count_;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      std::uint64_t bound = highest_in(i);
      return bound < max_ ? bound : max_;
    }
  }
  return max_;
}

std::vector<std::pair<std::uint32_t, std::uint64_t>> LatencyHistogram::sparse() const {
  std::vector<std::pair<std::uint32_t, std::uint64_t>> out;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    if (counts_[i] != 0) out.emplace_back(static_cast<std::uint32_t>(i), counts_[i]);
  }
  return out;
}

bool LatencyHistogram::load(const std::vector<std::pair<std::uint32_t, std::uint64_t>>& buckets,
                            std::uint64_t min, std::uint64_t max) {
  *this = LatencyHistogram{};
  for (const auto& [index, n] : buckets) {
    if (index >= bucket_count) return false;
    counts_[index] += n;
    count_ += n;
  }
  if (count_ != 0) {
    min_ = min;
    max_ = max;
  }
  return true;
}

}  // namespace herald::loadgen
