#include "herald/store/memory_history.hpp"

#include <random>

#include <gtest/gtest.h>

namespace herald::store {
namespace {

HistoryLimits limits(std::size_t events, std::size_t bytes, std::size_t per_topic = 0) {
  return {.max_events = events, .max_bytes = bytes, .max_per_topic = per_topic};
}

hub::UpdatePtr append(MemoryHistory& h, const std::string& id, std::size_t frame_bytes = 10,
                      std::vector<std::string> topics = {"t"}) {
  auto u = std::make_shared<hub::Update>();
  u->id = id;
  u->topics = std::move(topics);
  u->seq = h.next_seq();
  u->frame.assign(frame_bytes, 'x');
  h.append(u, {});
  return u;
}

// What a resume from `last_event_id` replays, read as the hub reads it: a few at a time.
hub::ReplayFrom replay(const MemoryHistory& h, std::string_view last_event_id,
                       std::vector<hub::UpdatePtr>& out) {
  hub::ResumePoint point = h.resume_point(last_event_id);
  if (point.from == hub::ReplayFrom::none) return point.from;
  const std::uint64_t newest = h.next_seq() - 1;
  for (std::uint64_t at = point.after_seq; at < newest;)
    at = h.read(at, newest, 3, out);
  return point.from;
}

std::vector<std::string> ids(const std::vector<hub::UpdatePtr>& updates) {
  std::vector<std::string> out;
  for (auto& u : updates)
    out.push_back(u->id);
  return out;
}

std::vector<std::string> held(const MemoryHistory& h) {
  std::vector<hub::UpdatePtr> out;
  replay(h, "earliest", out);
  return ids(out);
}

TEST(MemoryHistory, ReplaysAfterAKnownId) {
  MemoryHistory h(limits(100, 1 << 20));
  for (auto id : {"a", "b", "c", "d"})
    append(h, id);
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(h, "b", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"c", "d"}));
  out.clear();
  EXPECT_EQ(replay(h, "d", out), hub::ReplayFrom::after_id);
  EXPECT_TRUE(out.empty());
}

TEST(MemoryHistory, EarliestAndUnknownReplayEverythingHeld) {
  MemoryHistory h(limits(100, 1 << 20));
  for (auto id : {"a", "b"})
    append(h, id);
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(h, "earliest", out), hub::ReplayFrom::earliest);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"a", "b"}));
  out.clear();
  EXPECT_EQ(replay(h, "never-seen", out), hub::ReplayFrom::unknown);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"a", "b"}));
  out.clear();
  EXPECT_EQ(replay(h, "", out), hub::ReplayFrom::none);
  EXPECT_TRUE(out.empty());
}

TEST(MemoryHistory, EvictsOldestByCountAndBytes) {
  MemoryHistory by_count(limits(3, 1 << 20));
  for (auto id : {"a", "b", "c", "d", "e"})
    append(by_count, id);
  EXPECT_EQ(held(by_count), (std::vector<std::string>{"c", "d", "e"}));
  // An evicted id is unknown now: everything held is replayed.
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(by_count, "a", out), hub::ReplayFrom::unknown);
  EXPECT_EQ(out.size(), 3u);

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

TEST(MemoryHistory, RepeatedIdsAreKeptAndResumeAfterTheEarliestOccurrence) {
  MemoryHistory h(limits(100, 1 << 20));
  for (auto id : {"a", "x", "b", "x", "c"})
    append(h, id);
  EXPECT_EQ(h.size(), 5u);
  EXPECT_EQ(h.next_seq(), 6u);
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(h, "x", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"b", "x", "c"}));
}

TEST(MemoryHistory, ARepeatedIdWhoseFirstOccurrenceWasEvictedResumesAfterTheNextOne) {
  MemoryHistory h(limits(3, 1 << 20));
  for (auto id : {"x", "a", "x", "b"})
    append(h, id);  // the first "x" is evicted
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(h, "x", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"b"}));
  append(h, "c");
  append(h, "d");  // the second "x" is evicted: unknown now
  out.clear();
  EXPECT_EQ(replay(h, "x", out), hub::ReplayFrom::unknown);
}

TEST(MemoryHistory, PerTopicCapKeepsQuietTopicsWhenOneIsChatty) {
  MemoryHistory h(limits(10, 1 << 20, /*per_topic=*/3));
  append(h, "quiet-1", 10, {"quiet"});
  for (int i = 0; i < 50; ++i)
    append(h, "tick-" + std::to_string(i), 10, {"ticker"});
  append(h, "quiet-2", 10, {"quiet"});
  EXPECT_EQ(held(h),
            (std::vector<std::string>{"quiet-1", "tick-47", "tick-48", "tick-49", "quiet-2"}));
  EXPECT_EQ(h.size(), 5u);
  // Each update held, plus the per-topic index's two topics.
  std::vector<hub::UpdatePtr> kept;
  replay(h, "earliest", kept);
  std::size_t expected =
      MemoryHistory::index_entry_bytes("quiet") + MemoryHistory::index_entry_bytes("ticker");
  for (const hub::UpdatePtr& u : kept)
    expected += MemoryHistory::held_bytes(*u);
  EXPECT_EQ(h.bytes(), expected);
  // A resume from an id evicted by the per-topic cap is unknown; one still held is exact.
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(h, "tick-10", out), hub::ReplayFrom::unknown);
  out.clear();
  EXPECT_EQ(replay(h, "tick-48", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"tick-49", "quiet-2"}));
}

TEST(MemoryHistory, AnUpdateWithSeveralTopicsCountsForEach) {
  MemoryHistory h(limits(100, 1 << 20, /*per_topic=*/2));
  append(h, "ab", 10, {"a", "b"});
  append(h, "b1", 10, {"b"});
  append(h, "a1", 10, {"a"});
  EXPECT_EQ(held(h), (std::vector<std::string>{"ab", "b1", "a1"}));
  append(h, "a2", 10, {"a"});  // "a" has ab, a1, a2: ab goes, and leaves "b" too
  EXPECT_EQ(held(h), (std::vector<std::string>{"b1", "a1", "a2"}));
  append(h, "b2", 10, {"b", "b"});  // a topic named twice counts once
  EXPECT_EQ(held(h), (std::vector<std::string>{"b1", "a1", "a2", "b2"}));
}

// Against a model (a plain list with the same rules), over random publishes: what is held,
// its order, and every resume agree, however the evictions interleave.
TEST(MemoryHistory, AgreesWithAModelUnderRandomPublishes) {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    const std::size_t max_events = 1 + rng() % 40, per_topic = rng() % 6;
    MemoryHistory h(limits(max_events, 1 << 20, per_topic));
    std::vector<std::pair<std::string, std::vector<std::string>>> model;  // id, topics
    for (int i = 0; i < 500; ++i) {
      std::string id = "id" + std::to_string(rng() % 60);  // repeats on purpose
      std::vector<std::string> topics{"t" + std::to_string(rng() % 4)};
      if (rng() % 5 == 0) topics.push_back("t" + std::to_string(rng() % 4));
      append(h, id, 10, topics);
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
      ASSERT_EQ(held(h), expected) << "round " << round << " publish " << i;
      ASSERT_EQ(h.size(), model.size());
      const std::string probe = "id" + std::to_string(rng() % 60);
      auto first =
          std::find_if(model.begin(), model.end(), [&](const auto& m) { return m.first == probe; });
      std::vector<hub::UpdatePtr> out;
      auto from = replay(h, probe, out);
      if (first == model.end()) {
        ASSERT_EQ(from, hub::ReplayFrom::unknown);
      } else {
        ASSERT_EQ(from, hub::ReplayFrom::after_id);
        ASSERT_EQ(out.size(), static_cast<std::size_t>(model.end() - first - 1));
      }
    }
  }
}

TEST(MemoryHistory, SizeZeroStillNumbersUpdates) {
  MemoryHistory h(limits(0, 0));
  append(h, "a");
  append(h, "b");
  EXPECT_EQ(h.next_seq(), 3u);
  EXPECT_EQ(h.size(), 0u);
  EXPECT_FALSE(h.newest_id().has_value());
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

// The hub reads a replay a slice at a time, between publishes: each read goes on from
// where the last stopped, skips what was evicted meanwhile, and stops at `up_to_seq`.
TEST(MemoryHistory, ReadsASliceAtATimeFromWhereTheLastStopped) {
  MemoryHistory h(limits(5, 1 << 20));
  for (auto id : {"a", "b", "c", "d", "e"})
    append(h, id);
  std::vector<hub::UpdatePtr> out;
  std::uint64_t at = h.read(0, 4, 2, out);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(at, 2u);
  for (auto id : {"f", "g", "h"})  // evicts a, b and c
    append(h, id);
  EXPECT_EQ(h.oldest_seq(), 4u) << "a reader at 2 has missed 3";
  out.clear();
  at = h.read(at, 4, 2, out);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"d"})) << "up to seq 4 only";
  EXPECT_EQ(at, 4u);
  out.clear();
  EXPECT_EQ(h.read(4, 4, 2, out), 4u) << "nothing left of the range";
  EXPECT_TRUE(out.empty());
}

TEST(MemoryHistory, AReadSkipsWhatWasEvictedFromTheMiddle) {
  MemoryHistory h(limits(100, 1 << 20, /*per_topic=*/1));
  append(h, "a", 10, {"t"});
  append(h, "b", 10, {"u"});
  append(h, "c", 10, {"t"});  // evicts "a" from the middle of the ring
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(h.read(0, 3, 1, out), 2u) << "one update read; the evicted slot costs none";
  EXPECT_EQ(ids(out), (std::vector<std::string>{"b"}));
}

}  // namespace
}  // namespace herald::store
