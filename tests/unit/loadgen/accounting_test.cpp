// Accounting: merging worker totals and histograms, the JSON they travel in, and the
// /proc parsers behind the server's RSS and CPU.
#include "herald/loadgen/accounting.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "herald/loadgen/proc_stats.hpp"

namespace herald::loadgen {
namespace {

TEST(LoadgenAccounting, TotalsAddUpAcrossWorkers) {
  SubscriberTotals a;
  a.requested = 10;
  a.connected = 9;
  a.failed = 1;
  a.failures["refused"] = 1;
  a.expected = 90;
  a.delivered = 89;
  a.missing = 1;
  SubscriberTotals b;
  b.requested = 5;
  b.connected = 3;
  b.failed = 2;
  b.failures["refused"] = 1;
  b.failures["status_503"] = 1;
  b.expected = 30;
  b.delivered = 30;
  b.duplicates = 4;
  a.add(b);
  EXPECT_EQ(a.requested, 15u);
  EXPECT_EQ(a.connected, 12u);
  EXPECT_EQ(a.failures.at("refused"), 2u);
  EXPECT_EQ(a.failures.at("status_503"), 1u);
  EXPECT_EQ(total(a.failures), a.failed);
  EXPECT_EQ(a.expected, 120u);
  EXPECT_EQ(a.delivered + a.missing, a.expected);
  EXPECT_EQ(a.duplicates, 4u);
}

TEST(LoadgenAccounting, TotalsJsonRoundTrip) {
  SubscriberTotals t;
  t.requested = 3;
  t.failures["timeout"] = 2;
  t.reordered = 7;
  t.malformed = 1;
  nlohmann::json j = t;
  SubscriberTotals back = j.get<SubscriberTotals>();
  EXPECT_EQ(nlohmann::json(back), j);
  EXPECT_EQ(back.failures.at("timeout"), 2u);
}

TEST(LoadgenAccounting, HistogramJsonIsLossless) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v < 1'000'000'000; v *= 3)
    h.record(v);
  LatencyHistogram back;
  ASSERT_TRUE(histogram_from_json(nlohmann::json::parse(histogram_to_json(h).dump()), back));
  EXPECT_EQ(back.count(), h.count());
  EXPECT_EQ(back.max(), h.max());
  EXPECT_EQ(back.percentile(0.5), h.percentile(0.5));
  EXPECT_FALSE(histogram_from_json(nlohmann::json::array(), back));
}

TEST(LoadgenAccounting, LatencySummaryInMilliseconds) {
  LatencyHistogram h;
  for (int i = 0; i < 100; ++i)
    h.record(2'000'000);  // 2 ms
  h.record(50'000'000);
  nlohmann::json s = latency_summary_ms(h);
  EXPECT_EQ(s.at("count"), 101);
  EXPECT_NEAR(s.at("p50").get<double>(), 2.0, 2.0 / 32);
  EXPECT_EQ(s.at("max").get<double>(), 50.0);
}

TEST(LoadgenProcStats, ParsesStatusAndStat) {
  std::uint64_t kib = 0;
  EXPECT_TRUE(parse_vmrss_kib("Name:\tx\nVmRSS:\t   12345 kB\nVmData: 1 kB\n", kib));
  EXPECT_EQ(kib, 12345u);
  EXPECT_FALSE(parse_vmrss_kib("Name: x\n", kib));
  std::uint64_t ticks = 0;
  // The command name may hold spaces and parentheses.
  EXPECT_TRUE(parse_stat_cpu_ticks(
      "42 (a (b) c) S 1 42 42 0 -1 4194304 100 0 0 0 17 5 0 0 20 0 1 0", ticks));
  EXPECT_EQ(ticks, 22u);
  EXPECT_FALSE(parse_stat_cpu_ticks("42 (x) S 1 2", ticks));
}

TEST(LoadgenProcStats, SamplesThisProcess) {
  ProcessSample s = sample_process(static_cast<int>(::getpid()));
  EXPECT_TRUE(s.alive);
  EXPECT_GT(s.rss_kib, 0u);
  EXPECT_GE(own_cpu_s(), 0.0);
  EXPECT_FALSE(sample_process(-1).alive);
}

}  // namespace
}  // namespace herald::loadgen
