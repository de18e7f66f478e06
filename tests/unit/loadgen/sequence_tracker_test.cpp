// SequenceTracker: in order, gaps, late arrivals, duplicates, out-of-range, completion.
#include "herald/loadgen/sequence_tracker.hpp"

#include <gtest/gtest.h>

namespace herald::loadgen {
namespace {

using V = SequenceTracker::Verdict;

TEST(LoadgenSequenceTracker, InOrderIsCompleteWithNothingElse) {
  SequenceTracker t;
  t.expect(1, 5);
  EXPECT_FALSE(t.complete());
  for (std::uint64_t s = 1; s <= 5; ++s)
    EXPECT_EQ(t.on_seq(s), V::in_order);
  EXPECT_TRUE(t.complete());
  EXPECT_EQ(t.expected(), 5u);
  EXPECT_EQ(t.delivered(), 5u);
  EXPECT_EQ(t.missing() + t.duplicates() + t.reordered() + t.unexpected(), 0u);
}

TEST(LoadgenSequenceTracker, NothingExpectedIsComplete) {
  SequenceTracker t;
  t.expect(1, 0);
  EXPECT_TRUE(t.complete());
  EXPECT_EQ(t.expected(), 0u);
  EXPECT_EQ(t.on_seq(1), V::unexpected);
}

TEST(LoadgenSequenceTracker, MissingInTheMiddleAndAtTheEnd) {
  SequenceTracker t;
  t.expect(1, 10);
  t.on_seq(1);
  EXPECT_EQ(t.on_seq(4), V::after_gap);  // 2, 3 missing
  t.on_seq(5);
  EXPECT_EQ(t.missing(), 2u + 5u);  // 2,3 and 6..10 not yet seen
  EXPECT_FALSE(t.complete());
  for (std::uint64_t s = 6; s <= 10; ++s)
    t.on_seq(s);
  EXPECT_EQ(t.missing(), 2u);
  EXPECT_FALSE(t.complete());  // the gap is still open
  EXPECT_EQ(t.delivered() + t.missing(), t.expected());
}

TEST(LoadgenSequenceTracker, LateArrivalsAreReorderedNotDuplicates) {
  SequenceTracker t;
  t.expect(1, 6);
  t.on_seq(1);
  t.on_seq(5);                           // gap 2..4
  EXPECT_EQ(t.on_seq(3), V::reordered);  // splits the gap into 2 and 4
  EXPECT_EQ(t.on_seq(2), V::reordered);
  EXPECT_EQ(t.on_seq(3), V::duplicate);
  EXPECT_EQ(t.on_seq(4), V::reordered);
  EXPECT_EQ(t.on_seq(6), V::in_order);
  EXPECT_TRUE(t.complete());
  EXPECT_EQ(t.reordered(), 3u);
  EXPECT_EQ(t.duplicates(), 1u);
  EXPECT_EQ(t.missing(), 0u);
  EXPECT_EQ(t.delivered(), 6u);
}

TEST(LoadgenSequenceTracker, DuplicatesOfInOrderEvents) {
  SequenceTracker t;
  t.expect(1, 3);
  t.on_seq(1);
  EXPECT_EQ(t.on_seq(1), V::duplicate);
  t.on_seq(2);
  t.on_seq(3);
  EXPECT_EQ(t.on_seq(2), V::duplicate);
  EXPECT_TRUE(t.complete());
  EXPECT_EQ(t.duplicates(), 2u);
  EXPECT_EQ(t.delivered(), 3u);
}

TEST(LoadgenSequenceTracker, ResumeExpectsOnlyTheTail) {
  SequenceTracker t;
  t.expect(91, 100);                       // resumed 10 events behind
  EXPECT_EQ(t.on_seq(90), V::unexpected);  // the hub replayed one too many
  for (std::uint64_t s = 91; s <= 100; ++s)
    EXPECT_EQ(t.on_seq(s), V::in_order);
  EXPECT_EQ(t.on_seq(101), V::unexpected);
  EXPECT_TRUE(t.complete());
  EXPECT_EQ(t.expected(), 10u);
  EXPECT_EQ(t.unexpected(), 2u);
}

TEST(LoadgenSequenceTracker, ManyGapsStayAccounted) {
  SequenceTracker t;
  std::uint64_t last = 4 * SequenceTracker::max_gaps + 100;
  t.expect(1, last);
  for (std::uint64_t s = 1; s <= last; s += 2)
    t.on_seq(s);  // every other one
  EXPECT_EQ(t.delivered() + t.missing(), t.expected());
  EXPECT_FALSE(t.complete());
}

}  // namespace
}  // namespace herald::loadgen
