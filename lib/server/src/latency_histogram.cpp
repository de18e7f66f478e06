#include "latency_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace herald::server {

void LatencyHistogram::record(std::chrono::nanoseconds latency) {
  double seconds = static_cast<double>(latency.count()) / 1e9;
  std::size_t i = 0;
  while (i < bounds.size() && seconds > bounds[i])
    ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(latency.count()), std::memory_order_relaxed);
}

LatencyHistogram::Counts LatencyHistogram::counts() const {
  Counts c{};
  for (std::size_t i = 0; i < bucket_count; ++i)
    c[i] = buckets_[i].load(std::memory_order_relaxed);
  return c;
}

void LatencyHistogram::render(const std::string& name, const std::string& help,
                              std::string& out) const {
  Counts c = counts();
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
  std::uint64_t cumulative = 0;
  char line[160];
  for (std::size_t i = 0; i < bucket_count; ++i) {
    cumulative += c[i];
    if (i < bounds.size()) {
      std::snprintf(line, sizeof line, "%s_bucket{le=\"%g\"} %llu\n", name.c_str(), bounds[i],
                    static_cast<unsigned long long>(cumulative));
    } else {
      std::snprintf(line, sizeof line, "%s_bucket{le=\"+Inf\"} %llu\n", name.c_str(),
                    static_cast<unsigned long long>(cumulative));
    }
    out += line;
  }
  std::snprintf(line, sizeof line, "%s_sum %.9f\n%s_count %llu\n", name.c_str(),
                static_cast<double>(sum_ns()) / 1e9, name.c_str(),
                static_cast<unsigned long long>(cumulative));
  out += line;
}

double LatencyHistogram::quantile_ms(const Counts& now, const Counts& before, double q) {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < bucket_count; ++i)
    total += now[i] - before[i];
  if (total == 0) return 0;
  // Nearest rank: the smallest sample with at least q of all samples at or below it.
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
  rank = rank == 0 ? 0 : std::min(rank, total) - 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += now[i] - before[i];
    if (seen > rank) return (i < bounds.size() ? bounds[i] : bounds.back() * 2) * 1000.0;
  }
  return bounds.back() * 2000.0;
}

}  // namespace herald::server
