#include "token_expiry.hpp"

#include <gtest/gtest.h>

#include "../common/recording_sink.hpp"

namespace herald::server {
namespace {

using namespace std::chrono_literals;
using herald::test::RecordingSink;
using Clock = TokenExpiry::Clock;

TEST(TokenExpiry, EndsTheStreamAtItsTimeWithARetryHint) {
  boost::asio::io_context io;
  TokenExpiry expiry(io, 2500ms);
  auto sink = std::make_shared<RecordingSink>(7);
  expiry.add(Clock::now() + 300ms, sink);
  EXPECT_EQ(expiry.size(), 1u);
  io.run_for(20ms);
  EXPECT_FALSE(sink->ended()) << "not before its time";
  io.run_for(3s);  // returns once the timer has fired: no work is left
  EXPECT_TRUE(sink->ended());
  EXPECT_FALSE(sink->aborted()) << "a clean end, so the client reconnects";
  EXPECT_NE(sink->written().find("\nretry: 2500\n\n"), std::string::npos) << sink->written();
  EXPECT_EQ(expiry.size(), 0u);
}

TEST(TokenExpiry, AnEarlierEntryAddedLaterFiresFirst) {
  boost::asio::io_context io;
  TokenExpiry expiry(io, 1000ms);
  auto late = std::make_shared<RecordingSink>(1);
  auto early = std::make_shared<RecordingSink>(2);
  expiry.add(Clock::now() + 10s, late);  // arms the timer far away
  expiry.add(Clock::now() + 20ms, early);
  io.run_for(200ms);
  EXPECT_TRUE(early->ended()) << "re-armed for the earlier expiry";
  EXPECT_FALSE(late->ended());
  EXPECT_EQ(expiry.size(), 1u);
}

TEST(TokenExpiry, RemovedOrClosedStreamsAreLeftAlone) {
  boost::asio::io_context io;
  TokenExpiry expiry(io, 1000ms);
  auto removed = std::make_shared<RecordingSink>(1);
  auto closed = std::make_shared<RecordingSink>(2);
  auto at = Clock::now() + 20ms;
  expiry.add(at, removed);
  expiry.add(at, closed);  // the same instant: the stream id keeps both
  EXPECT_EQ(expiry.size(), 2u);
  expiry.remove(at, removed->id());
  closed->close();
  io.run_for(200ms);
  EXPECT_FALSE(removed->ended());
  EXPECT_EQ(closed->written(), "") << "nothing written to a closed stream";
  EXPECT_EQ(expiry.size(), 0u);
  expiry.remove(at, closed->id());  // after it fired: a no-op
}

TEST(TokenExpiry, AnExpiryInThePastEndsAtOnce) {
  boost::asio::io_context io;
  TokenExpiry expiry(io, 1000ms);
  auto sink = std::make_shared<RecordingSink>(1);
  expiry.add(Clock::now() - 1s, sink);
  io.run_for(50ms);
  EXPECT_TRUE(sink->ended());
}

TEST(TokenExpiry, ManyStreamsOneTimer) {
  boost::asio::io_context io;
  TokenExpiry expiry(io, 1000ms);
  std::vector<std::shared_ptr<RecordingSink>> sinks;
  auto start = Clock::now();
  for (std::uint64_t i = 0; i < 200; ++i) {
    sinks.push_back(std::make_shared<RecordingSink>(i));
    // Half expire soon, half much later, in mixed order.
    expiry.add(start + (i % 2 == 0 ? std::chrono::milliseconds(5 + i % 17) : 1h), sinks.back());
  }
  io.run_for(300ms);
  for (std::uint64_t i = 0; i < 200; ++i)
    EXPECT_EQ(sinks[i]->ended(), i % 2 == 0) << i;
  EXPECT_EQ(expiry.size(), 100u);
}

TEST(TokenExpiry, WallClockExpiryMapsToSteadyTime) {
  auto now = Clock::now();
  auto at = TokenExpiry::to_steady(std::chrono::system_clock::now() + 10s);
  EXPECT_GE(at, now + 9s);
  EXPECT_LE(at, Clock::now() + 11s);
  // Far-future dates (claims allow the year 2200) do not overflow.
  auto far =
      TokenExpiry::to_steady(std::chrono::system_clock::now() + std::chrono::hours(24 * 365 * 150));
  EXPECT_GT(far, now + std::chrono::hours(24 * 300));
}

}  // namespace
}  // namespace herald::server
