// LatencyHistogram: bucket bounds, percentile accuracy, merging and the sparse hand-over.
#include "herald/loadgen/histogram.hpp"

#include <gtest/gtest.h>

#include <random>

namespace herald::loadgen {
namespace {

TEST(LoadgenHistogram, EmptyReportsZeros) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(0.5), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.min(), 0u);
}

TEST(LoadgenHistogram, SmallValuesAreExact) {
  for (std::uint64_t v = 0; v < 64; ++v) {
    EXPECT_EQ(LatencyHistogram::index_of(v), v);
    EXPECT_EQ(LatencyHistogram::lowest_in(v), v);
    EXPECT_EQ(LatencyHistogram::highest_in(v), v);
  }
}

TEST(LoadgenHistogram, EveryValueLiesInItsBucketAndBucketsTile) {
  // Bucket i+1 starts right after bucket i ends, all the way up.
  for (std::size_t i = 0; i + 1 < LatencyHistogram::bucket_count; ++i) {
    ASSERT_EQ(LatencyHistogram::highest_in(i) + 1, LatencyHistogram::lowest_in(i + 1)) << i;
  }
  EXPECT_EQ(LatencyHistogram::highest_in(LatencyHistogram::bucket_count - 1), UINT64_MAX);
  std::mt19937_64 rng(7);
  for (int n = 0; n < 100000; ++n) {
    std::uint64_t v = rng() >> (rng() % 64);
    std::size_t i = LatencyHistogram::index_of(v);
    ASSERT_LT(i, LatencyHistogram::bucket_count);
    ASSERT_LE(LatencyHistogram::lowest_in(i), v);
    ASSERT_GE(LatencyHistogram::highest_in(i), v);
  }
  EXPECT_EQ(LatencyHistogram::index_of(UINT64_MAX), LatencyHistogram::bucket_count - 1);
}

TEST(LoadgenHistogram, RelativeErrorIsBelowThreePercent) {
  for (std::uint64_t v = 64; v < (std::uint64_t{1} << 40); v = v * 3 / 2 + 1) {
    std::size_t i = LatencyHistogram::index_of(v);
    double width =
        static_cast<double>(LatencyHistogram::highest_in(i) - LatencyHistogram::lowest_in(i) + 1);
    EXPECT_LE(width / static_cast<double>(v), 1.0 / 32 + 1e-9) << v;
  }
}

TEST(LoadgenHistogram, PercentilesOfAUniformSpread) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 100000; ++v)
    h.record(v * 1000);  // 1 us .. 100 ms
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_EQ(h.min(), 1000u);
  EXPECT_EQ(h.max(), 100000000u);
  auto near = [](std::uint64_t got, double want) {
    return static_cast<double>(got) >= want && static_cast<double>(got) <= want * 1.032;
  };
  EXPECT_TRUE(near(h.percentile(0.5), 50e6)) << h.percentile(0.5);
  EXPECT_TRUE(near(h.percentile(0.9), 90e6)) << h.percentile(0.9);
  EXPECT_TRUE(near(h.percentile(0.99), 99e6)) << h.percentile(0.99);
  EXPECT_EQ(h.percentile(1.0), h.max());
  EXPECT_EQ(h.percentile(0.999999), h.max());  // clamped to the largest sample
}

TEST(LoadgenHistogram, OneOutlierShowsInTheTailOnly) {
  LatencyHistogram h;
  for (int i = 0; i < 999; ++i)
    h.record(1000);
  h.record(5'000'000);
  // A percentile is its bucket's upper bound: within 1/32 above the true value.
  EXPECT_EQ(h.percentile(0.5), LatencyHistogram::highest_in(LatencyHistogram::index_of(1000)));
  EXPECT_LE(h.percentile(0.99), 1000u + 1000u / 32);
  EXPECT_GE(h.percentile(0.9999), 5'000'000u);
  EXPECT_EQ(h.max(), 5'000'000u);
}

TEST(LoadgenHistogram, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram a, b, all;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 5000; ++i) {
    std::uint64_t v = rng() % 10'000'000;
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  for (double p : {0.1, 0.5, 0.9, 0.99, 0.999})
    EXPECT_EQ(a.percentile(p), all.percentile(p));
}

TEST(LoadgenHistogram, SparseRoundTripIsLossless) {
  LatencyHistogram h;
  for (std::uint64_t v : {3u, 3u, 700u, 123456u, 99999999u})
    h.record(v);
  LatencyHistogram copy;
  ASSERT_TRUE(copy.load(h.sparse(), h.min(), h.max()));
  EXPECT_EQ(copy.count(), 5u);
  EXPECT_EQ(copy.min(), 3u);
  EXPECT_EQ(copy.max(), 99999999u);
  for (double p : {0.2, 0.5, 0.8, 1.0})
    EXPECT_EQ(copy.percentile(p), h.percentile(p));
  EXPECT_FALSE(copy.load({{static_cast<std::uint32_t>(LatencyHistogram::bucket_count), 1}}, 0, 0));
}

}  // namespace
}  // namespace herald::loadgen
