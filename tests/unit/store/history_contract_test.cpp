// What every history backend promises the hub (hub::History), run against each: memory,
// LMDB, and LMDB reading everything from disk (no recent updates held in memory).
#include <algorithm>
#include <random>

#include "herald/store/lmdb_history.hpp"
#include "herald/store/memory_history.hpp"
#include "history_test_support.hpp"

namespace herald::store {
namespace {

using namespace testing;

enum class Backend { memory, lmdb, lmdb_from_disk };

std::string name(const ::testing::TestParamInfo<Backend>& info) {
  switch (info.param) {
    case Backend::memory:
      return "Memory";
    case Backend::lmdb:
      return "Lmdb";
    case Backend::lmdb_from_disk:
      return "LmdbFromDisk";
  }
  return "";
}

class HistoryContract : public ::testing::TestWithParam<Backend> {
 protected:
  std::unique_ptr<hub::History> make(std::size_t events, std::size_t per_topic = 0) {
    const HistoryLimits limits{
        .max_events = events, .max_bytes = std::size_t{1} << 30, .max_per_topic = per_topic};
    if (GetParam() == Backend::memory) return std::make_unique<MemoryHistory>(limits);
    // Each history of a test gets its own directory (the model test makes many).
    dirs_.push_back(std::make_unique<TempDir>());
    return std::make_unique<LmdbHistory>(
        LmdbOptions{.directory = dirs_.back()->path(),
                    .sync = SyncMode::off,  // durability is not what these tests are about
                    .limits = limits,
                    .recent_updates = GetParam() == Backend::lmdb_from_disk ? 0u : 4096u});
  }

 private:
  std::vector<std::unique_ptr<TempDir>> dirs_;
};

INSTANTIATE_TEST_SUITE_P(Backends, HistoryContract,
                         ::testing::Values(Backend::memory, Backend::lmdb, Backend::lmdb_from_disk),
                         name);

TEST_P(HistoryContract, ReplaysAfterAKnownId) {
  auto h = make(100);
  for (auto id : {"a", "b", "c", "d"})
    append(*h, id);
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(*h, "b", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"c", "d"}));
  out.clear();
  EXPECT_EQ(replay(*h, "d", out), hub::ReplayFrom::after_id);
  EXPECT_TRUE(out.empty());
}

TEST_P(HistoryContract, EarliestAndUnknownReplayEverythingHeld) {
  auto h = make(100);
  for (auto id : {"a", "b"})
    append(*h, id);
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(*h, "earliest", out), hub::ReplayFrom::earliest);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"a", "b"}));
  out.clear();
  EXPECT_EQ(replay(*h, "never-seen", out), hub::ReplayFrom::unknown);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"a", "b"}));
  out.clear();
  EXPECT_EQ(replay(*h, "", out), hub::ReplayFrom::none);
  EXPECT_TRUE(out.empty());
}

TEST_P(HistoryContract, KeepsWhatWasPublishedWholly) {
  auto h = make(100);
  auto sent = make_update("a", 10, {"t1", "t2"});
  sent->is_private = true;
  sent->frame = "id: a\ndata: hello\n\n";
  ASSERT_TRUE(append_result(*h, sent).ok());
  std::vector<hub::UpdatePtr> out;
  h->read(0, 1, 10, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]->id, "a");
  EXPECT_EQ(out[0]->topics, sent->topics);
  EXPECT_TRUE(out[0]->is_private);
  EXPECT_EQ(out[0]->seq, 1u);
  EXPECT_EQ(out[0]->frame, sent->frame);
}

TEST_P(HistoryContract, EvictsOldestByCount) {
  auto h = make(3);
  for (auto id : {"a", "b", "c", "d", "e"})
    append(*h, id);
  EXPECT_EQ(held(*h), (std::vector<std::string>{"c", "d", "e"}));
  EXPECT_EQ(h->size(), 3u);
  EXPECT_EQ(h->newest_id(), "e");
  // An evicted id is unknown now: everything held is replayed.
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(*h, "a", out), hub::ReplayFrom::unknown);
  EXPECT_EQ(out.size(), 3u);
}

TEST_P(HistoryContract, RepeatedIdsAreKeptAndResumeAfterTheEarliestOccurrence) {
  auto h = make(100);
  for (auto id : {"a", "x", "b", "x", "c"})
    append(*h, id);
  EXPECT_EQ(h->size(), 5u);
  EXPECT_EQ(h->next_seq(), 6u);
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(*h, "x", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"b", "x", "c"}));
}

TEST_P(HistoryContract, ARepeatedIdWhoseFirstOccurrenceWasEvictedResumesAfterTheNextOne) {
  auto h = make(3);
  for (auto id : {"x", "a", "x", "b"})
    append(*h, id);  // the first "x" is evicted
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(*h, "x", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"b"}));
  append(*h, "c");
  append(*h, "d");  // the second "x" is evicted: unknown now
  out.clear();
  EXPECT_EQ(replay(*h, "x", out), hub::ReplayFrom::unknown);
}

TEST_P(HistoryContract, PerTopicCapKeepsQuietTopicsWhenOneIsChatty) {
  auto h = make(10, /*per_topic=*/3);
  append(*h, "quiet-1", 10, {"quiet"});
  for (int i = 0; i < 50; ++i)
    append(*h, "tick-" + std::to_string(i), 10, {"ticker"});
  append(*h, "quiet-2", 10, {"quiet"});
  EXPECT_EQ(held(*h),
            (std::vector<std::string>{"quiet-1", "tick-47", "tick-48", "tick-49", "quiet-2"}));
  EXPECT_EQ(h->size(), 5u);
  // A resume from an id evicted by the per-topic cap is unknown; one still held is exact.
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(*h, "tick-10", out), hub::ReplayFrom::unknown);
  out.clear();
  EXPECT_EQ(replay(*h, "tick-48", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"tick-49", "quiet-2"}));
}

TEST_P(HistoryContract, AnUpdateWithSeveralTopicsCountsForEach) {
  auto h = make(100, /*per_topic=*/2);
  append(*h, "ab", 10, {"a", "b"});
  append(*h, "b1", 10, {"b"});
  append(*h, "a1", 10, {"a"});
  EXPECT_EQ(held(*h), (std::vector<std::string>{"ab", "b1", "a1"}));
  append(*h, "a2", 10, {"a"});  // "a" has ab, a1, a2: ab goes, and leaves "b" too
  EXPECT_EQ(held(*h), (std::vector<std::string>{"b1", "a1", "a2"}));
  append(*h, "b2", 10, {"b", "b"});  // a topic named twice counts once
  EXPECT_EQ(held(*h), (std::vector<std::string>{"b1", "a1", "a2", "b2"}));
}

// Against a model (a plain list with the same rules), over random publishes: what is held,
// its order, and every resume agree, however the evictions interleave.
TEST_P(HistoryContract, AgreesWithAModelUnderRandomPublishes) {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    const std::size_t max_events = 1 + rng() % 40, per_topic = rng() % 6;
    auto h = make(max_events, per_topic);
    std::vector<std::pair<std::string, std::vector<std::string>>> model;  // id, topics
    for (int i = 0; i < 500; ++i) {
      std::string id = "id" + std::to_string(rng() % 60);  // repeats on purpose
      std::vector<std::string> topics{"t" + std::to_string(rng() % 4)};
      if (rng() % 5 == 0) topics.push_back("t" + std::to_string(rng() % 4));
      append(*h, id, 10, topics);
      model.emplace_back(id, topics);
      if (per_topic != 0) {
        for (const std::string& topic : topics) {
          auto names = [&](const auto& m) {
            return std::find(m.second.begin(), m.second.end(), topic) != m.second.end();
          };
          if (static_cast<std::size_t>(std::count_if(model.begin(), model.end(), names)) >
              per_topic) {
            model.erase(std::find_if(model.begin(), model.end(), names));
          }
        }
      }
      while (model.size() > max_events)
        model.erase(model.begin());
      std::vector<std::string> expected;
      for (auto& m : model)
        expected.push_back(m.first);
      ASSERT_EQ(held(*h), expected) << "round " << round << " publish " << i;
      ASSERT_EQ(h->size(), model.size());
      const std::string probe = "id" + std::to_string(rng() % 60);
      auto first =
          std::find_if(model.begin(), model.end(), [&](const auto& m) { return m.first == probe; });
      std::vector<hub::UpdatePtr> out;
      auto from = replay(*h, probe, out);
      if (first == model.end()) {
        ASSERT_EQ(from, hub::ReplayFrom::unknown);
      } else {
        ASSERT_EQ(from, hub::ReplayFrom::after_id);
        ASSERT_EQ(out.size(), static_cast<std::size_t>(model.end() - first - 1));
      }
    }
  }
}

TEST_P(HistoryContract, SizeZeroStillNumbersUpdates) {
  auto h = make(0);
  append(*h, "a");
  append(*h, "b");
  EXPECT_EQ(h->next_seq(), 3u);
  EXPECT_EQ(h->size(), 0u);
  EXPECT_FALSE(h->newest_id().has_value());
  EXPECT_EQ(h->oldest_seq(), 3u) << "both were let go of";
}

// The hub reads a replay a slice at a time, between publishes: each read goes on from
// where the last stopped, skips what was evicted meanwhile, and stops at `up_to_seq`.
TEST_P(HistoryContract, ReadsASliceAtATimeFromWhereTheLastStopped) {
  auto h = make(5);
  for (auto id : {"a", "b", "c", "d", "e"})
    append(*h, id);
  std::vector<hub::UpdatePtr> out;
  std::uint64_t at = h->read(0, 4, 2, out);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(at, 2u);
  for (auto id : {"f", "g", "h"})  // evicts a, b and c
    append(*h, id);
  EXPECT_EQ(h->oldest_seq(), 4u) << "a reader at 2 has missed 3";
  out.clear();
  at = h->read(at, 4, 2, out);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"d"})) << "up to seq 4 only";
  EXPECT_EQ(at, 4u);
  out.clear();
  EXPECT_EQ(h->read(4, 4, 2, out), 4u) << "nothing left of the range";
  EXPECT_TRUE(out.empty());
}

TEST_P(HistoryContract, AReadSkipsWhatWasEvictedFromTheMiddle) {
  auto h = make(100, /*per_topic=*/1);
  append(*h, "a", 10, {"t"});
  append(*h, "b", 10, {"u"});
  append(*h, "c", 10, {"t"});  // evicts "a" from the front
  EXPECT_EQ(h->oldest_seq(), 2u);
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(h->read(0, 3, 1, out), 2u) << "one update read; the evicted slot costs none";
  EXPECT_EQ(ids(out), (std::vector<std::string>{"b"}));
  append(*h, "d", 10, {"u"});  // evicts "b" from the middle: oldest_seq stays
  EXPECT_EQ(h->oldest_seq(), 3u);
  append(*h, "e", 10, {"v"});
  append(*h, "f", 10, {"v"});  // evicts "e", in the middle
  EXPECT_EQ(h->oldest_seq(), 3u) << "a deletion in the middle moves nothing";
  EXPECT_EQ(held(*h), (std::vector<std::string>{"c", "d", "f"}));
}

}  // namespace
}  // namespace herald::store
