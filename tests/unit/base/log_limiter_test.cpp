// The repeated-line limiter: one line per period, counting the ones held back.
#include "herald/base/log_limiter.hpp"

#include <gtest/gtest.h>

namespace herald::log {
namespace {

using namespace std::chrono_literals;

TEST(LineLimiter, WritesTheFirstLineThenOnePerPeriodWithTheCountHeldBack) {
  LineLimiter limiter(1s);
  const auto t0 = LineLimiter::clock::time_point{} + 100s;
  std::uint64_t suppressed = 99;
  ASSERT_TRUE(limiter.allow(t0, suppressed));
  EXPECT_EQ(suppressed, 0u);
  // Twenty a second, as the accept loop does at the fd limit: all held back.
  for (int i = 1; i < 20; ++i)
    EXPECT_FALSE(limiter.allow(t0 + i * 50ms, suppressed));
  ASSERT_TRUE(limiter.allow(t0 + 1s, suppressed));
  EXPECT_EQ(suppressed, 19u);
  // The count starts again after each line written.
  EXPECT_FALSE(limiter.allow(t0 + 1500ms, suppressed));
  ASSERT_TRUE(limiter.allow(t0 + 5s, suppressed));
  EXPECT_EQ(suppressed, 1u);
}

}  // namespace
}  // namespace herald::log
