#include "latency_histogram.hpp"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

using namespace std::chrono_literals;

TEST(LatencyHistogram, QuantilesOverAWindow) {
  LatencyHistogram h;
  auto before = h.counts();
  for (int i = 0; i < 98; ++i)
    h.record(80us);  // bucket <= 100 us
  h.record(3ms);     // bucket <= 4 ms
  h.record(700ms);   // bucket <= 1 s
  auto now = h.counts();
  EXPECT_DOUBLE_EQ(LatencyHistogram::quantile_ms(now, before, 0.5), 0.1);
  EXPECT_DOUBLE_EQ(LatencyHistogram::quantile_ms(now, before, 0.99), 4.0);
  EXPECT_DOUBLE_EQ(LatencyHistogram::quantile_ms(now, before, 1.0), 1000.0);
  // An empty window says 0, not a stale value.
  EXPECT_EQ(LatencyHistogram::quantile_ms(now, now, 0.99), 0.0);
}

TEST(LatencyHistogram, RendersCumulativePrometheusBuckets) {
  LatencyHistogram h;
  h.record(20us);
  h.record(2s);
  h.record(10s);  // past every bound: only +Inf
  std::string out;
  h.render("x_seconds", "help", out);
  EXPECT_NE(out.find("# TYPE x_seconds histogram"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_bucket{le=\"2.5e-05\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{le=\"2.5\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_sum 12.000020000"), std::string::npos) << out;
}

}  // namespace
}  // namespace herald::server
