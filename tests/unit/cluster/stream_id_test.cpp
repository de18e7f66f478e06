// Redis stream ids: parsed as Redis writes them, and ordered as Redis orders them.
#include "stream_id.hpp"

#include <gtest/gtest.h>

namespace herald::cluster {
namespace {

TEST(StreamId, ParsesAndPrints) {
  auto id = parse_stream_id("1796059744757-12");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->ms, 1796059744757u);
  EXPECT_EQ(id->seq, 12u);
  EXPECT_EQ(id->text(), "1796059744757-12");
  EXPECT_EQ(StreamId{}.text(), "0-0");
}

TEST(StreamId, OrdersByTimeThenSequence) {
  EXPECT_LT(*parse_stream_id("5-9"), *parse_stream_id("6-0"));
  EXPECT_LT(*parse_stream_id("6-0"), *parse_stream_id("6-1"));
  // Numerically, not as text.
  EXPECT_LT(*parse_stream_id("9-0"), *parse_stream_id("10-0"));
  EXPECT_EQ(*parse_stream_id("7-3"), (StreamId{7, 3}));
}

TEST(StreamId, RefusesAnythingElse) {
  for (const char* bad :
       {"", "-", "5", "5-", "-5", "a-1", "1-b", "1-2-3", "1 -2", "18446744073709551616-0"})
    EXPECT_FALSE(parse_stream_id(bad)) << bad;
}

}  // namespace
}  // namespace herald::cluster
