#include "herald/client/backoff.hpp"

#include <gtest/gtest.h>

namespace herald::client {
namespace {

using std::chrono::milliseconds;

BackoffOptions no_jitter(milliseconds cap) {
  BackoffOptions o;
  o.max_delay = cap;
  o.jitter = 0;
  return o;
}

TEST(Backoff, DoublesFromTheReconnectionTimeUpToTheCap) {
  const auto o = no_jitter(milliseconds(10000));
  EXPECT_EQ(backoff_delay(milliseconds(1000), 1, o, 0.5), milliseconds(1000));
  EXPECT_EQ(backoff_delay(milliseconds(1000), 2, o, 0.5), milliseconds(2000));
  EXPECT_EQ(backoff_delay(milliseconds(1000), 3, o, 0.5), milliseconds(4000));
  EXPECT_EQ(backoff_delay(milliseconds(1000), 4, o, 0.5), milliseconds(8000));
  EXPECT_EQ(backoff_delay(milliseconds(1000), 5, o, 0.5), milliseconds(10000));
  EXPECT_EQ(backoff_delay(milliseconds(1000), 500, o, 0.5), milliseconds(10000)) << "no overflow";
}

TEST(Backoff, JitterOnlyLengthensAndStaysUnderTheCap) {
  BackoffOptions o;
  o.max_delay = milliseconds(30000);
  o.jitter = 0.5;
  EXPECT_EQ(backoff_delay(milliseconds(1000), 1, o, 0.0), milliseconds(1000));
  EXPECT_EQ(backoff_delay(milliseconds(1000), 1, o, 0.5), milliseconds(1250));
  const auto high = backoff_delay(milliseconds(1000), 1, o, 0.999);
  EXPECT_GE(high, milliseconds(1000));
  EXPECT_LT(high, milliseconds(1500));
  EXPECT_EQ(backoff_delay(milliseconds(1000), 10, o, 0.999), milliseconds(30000));
}

TEST(Backoff, TheCapBoundsAServerRetryToo) {
  EXPECT_EQ(backoff_delay(milliseconds(60000), 1, no_jitter(milliseconds(30000)), 0),
            milliseconds(30000));
  EXPECT_EQ(backoff_delay(milliseconds(3000), 1, no_jitter(milliseconds(0)), 0), milliseconds(0));
}

TEST(Backoff, ZeroReconnectionTimeMeansAtOnce) {
  BackoffOptions o;
  EXPECT_EQ(backoff_delay(milliseconds(0), 7, o, 0.9), milliseconds(0));
}

}  // namespace
}  // namespace herald::client
