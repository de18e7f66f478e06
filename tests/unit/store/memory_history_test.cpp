// What only the memory history does: its byte accounting. What every history does is in
// history_contract_test.cpp.
#include "herald/store/memory_history.hpp"

#include <gtest/gtest.h>

#include "history_test_support.hpp"

namespace herald::store {
namespace {

using namespace testing;

HistoryLimits limits(std::size_t events, std::size_t bytes, std::size_t per_topic = 0) {
  return {.max_events = events, .max_bytes = bytes, .max_per_topic = per_topic};
}

TEST(MemoryHistory, EvictsOldestByBytes) {
  MemoryHistory probe(limits(100, 1 << 20));
  append(probe, "a");
  const std::size_t each = probe.bytes();  // every update below costs the same
  MemoryHistory by_bytes(limits(100, 3 * each + each / 2));
  for (auto id : {"a", "b", "c", "d"})
    append(by_bytes, id);
  EXPECT_EQ(by_bytes.size(), 3u);
  EXPECT_LE(by_bytes.bytes(), 3 * each + each / 2);
  EXPECT_EQ(by_bytes.newest_id(), "d");
}

TEST(MemoryHistory, ForgetAllLetsGoOfEverythingAndKeepsNumbering) {
  MemoryHistory history(limits(100, 1 << 20, 10));
  for (auto id : {"a", "b", "c"})
    append(history, id);
  const std::uint64_t next = history.next_seq();
  history.forget_all();
  EXPECT_EQ(history.size(), 0u);
  EXPECT_EQ(history.bytes(), 0u);
  EXPECT_EQ(history.newest_id(), std::nullopt);
  EXPECT_EQ(history.next_seq(), next) << "seqs never go back: the hub orders by them";
  EXPECT_EQ(history.oldest_seq(), next) << "everything before is gone";
  EXPECT_EQ(history.resume_point("b").from, hub::ReplayFrom::unknown);
  append(history, "d");
  EXPECT_EQ(history.size(), 1u);
  EXPECT_EQ(history.resume_point("d").from, hub::ReplayFrom::after_id);
}

TEST(MemoryHistory, ForgetThroughLetsGoOfTheOldestUpToASeq) {
  MemoryHistory history(limits(100, 1 << 20, /*per_topic=*/1));
  append(history, "a", 10, {"x"});
  append(history, "b", 10, {"y"});
  append(history, "c", 10, {"x"});  // evicts a (one per topic): b is the oldest held
  append(history, "d", 10, {"z"});
  const std::uint64_t c_seq = history.resume_point("c").after_seq;
  history.forget_through(c_seq);
  EXPECT_EQ(history.size(), 1u);
  EXPECT_EQ(history.oldest_seq(), c_seq + 1);
  EXPECT_EQ(history.resume_point("b").from, hub::ReplayFrom::unknown);
  EXPECT_EQ(history.resume_point("d").from, hub::ReplayFrom::after_id);
  history.forget_through(c_seq);  // nothing more to let go of
  EXPECT_EQ(history.size(), 1u);
  history.forget_through(history.next_seq());
  EXPECT_EQ(history.size(), 0u);
  EXPECT_EQ(history.bytes(), 0u);
}

TEST(MemoryHistory, CountsThePerTopicIndexInItsBytes) {
  MemoryHistory h(limits(10, 1 << 20, /*per_topic=*/3));
  append(h, "quiet-1", 10, {"quiet"});
  for (int i = 0; i < 50; ++i)
    append(h, "tick-" + std::to_string(i), 10, {"ticker"});
  append(h, "quiet-2", 10, {"quiet"});
  // Each update held, plus the per-topic index's two topics.
  std::vector<hub::UpdatePtr> kept;
  replay(h, "earliest", kept);
  std::size_t expected =
      MemoryHistory::index_entry_bytes("quiet") + MemoryHistory::index_entry_bytes("ticker");
  for (const hub::UpdatePtr& u : kept)
    expected += MemoryHistory::held_bytes(*u);
  EXPECT_EQ(h.bytes(), expected);
}

// Issue 9: 3,000 updates with 100 topics of 2 KB each held 597 MB while the byte count
// said 312 KB, because only frame and id were counted.
TEST(MemoryHistory, TopicsCountAgainstTheByteBound) {
  std::vector<std::string> topics;
  for (int i = 0; i < 100; ++i)
    topics.push_back(std::string(2000, 'a' + i % 26) + std::to_string(i));
  MemoryHistory h(limits(10000, 1 << 20));
  for (int i = 0; i < 50; ++i)
    append(h, std::to_string(i), 100, topics);
  // Each update holds 200 KB of topics: a 1 MiB bound keeps at most 5 of them.
  EXPECT_LE(h.size(), 5u);
  EXPECT_GE(h.size(), 1u);
  EXPECT_LE(h.bytes(), std::size_t{1} << 20);
  EXPECT_GE(h.bytes(), h.size() * 100 * 2000);
}

TEST(MemoryHistory, HeldBytesCountsEveryStringAndAFixedOverhead) {
  hub::Update small;
  small.id = "1";
  small.topics = {"t"};
  small.frame = "x";
  hub::Update big = small;
  big.topics.push_back(std::string(1000, 'y'));
  big.id = std::string(500, 'i');
  EXPECT_GE(MemoryHistory::held_bytes(small), sizeof(hub::Update));
  EXPECT_GE(MemoryHistory::held_bytes(big), MemoryHistory::held_bytes(small) + 1500);
  EXPECT_GT(MemoryHistory::index_entry_bytes(std::string(1000, 'y')), 1000u);
}

TEST(MemoryHistory, ThePerTopicIndexIsCountedAndReleased) {
  MemoryHistory h(limits(2, 1 << 20, /*per_topic=*/5));
  append(h, "a", 10, {"t1", std::string(300, 'z')});
  std::vector<hub::UpdatePtr> kept;
  replay(h, "earliest", kept);
  EXPECT_EQ(h.bytes(), MemoryHistory::held_bytes(*kept[0]) +
                           MemoryHistory::index_entry_bytes("t1") +
                           MemoryHistory::index_entry_bytes(std::string(300, 'z')));
  // Both evicted by the count bound: topics and index entries are given back.
  append(h, "b", 10, {"u"});
  append(h, "c", 10, {"u"});
  kept.clear();
  replay(h, "earliest", kept);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(h.bytes(), MemoryHistory::held_bytes(*kept[0]) + MemoryHistory::held_bytes(*kept[1]) +
                           MemoryHistory::index_entry_bytes("u"));
}

}  // namespace
}  // namespace herald::store
