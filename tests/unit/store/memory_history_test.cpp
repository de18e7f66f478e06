#include "herald/store/memory_history.hpp"

#include <gtest/gtest.h>

namespace herald::store {
namespace {

hub::UpdatePtr append(MemoryHistory& h, const std::string& id, std::size_t frame_bytes = 10) {
  auto u = std::make_shared<hub::Update>();
  u->id = id;
  u->seq = h.next_seq();
  u->frame.assign(frame_bytes, 'x');
  EXPECT_TRUE(h.append(u));
  return u;
}

std::vector<std::string> ids(const std::vector<hub::UpdatePtr>& updates) {
  std::vector<std::string> out;
  for (auto& u : updates)
    out.push_back(u->id);
  return out;
}

TEST(MemoryHistory, ReplaysAfterAKnownId) {
  MemoryHistory h(100, 1 << 20);
  for (auto id : {"a", "b", "c", "d"})
    append(h, id);
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(h.replay("b", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"c", "d"}));
  out.clear();
  EXPECT_EQ(h.replay("d", out), hub::ReplayFrom::after_id);
  EXPECT_TRUE(out.empty());
}

TEST(MemoryHistory, EarliestAndUnknownReplayEverythingHeld) {
  MemoryHistory h(100, 1 << 20);
  for (auto id : {"a", "b"})
    append(h, id);
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(h.replay("earliest", out), hub::ReplayFrom::earliest);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"a", "b"}));
  out.clear();
  EXPECT_EQ(h.replay("never-seen", out), hub::ReplayFrom::unknown);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"a", "b"}));
  out.clear();
  EXPECT_EQ(h.replay("", out), hub::ReplayFrom::none);
  EXPECT_TRUE(out.empty());
}

TEST(MemoryHistory, EvictsOldestByCountAndBytes) {
  MemoryHistory by_count(3, 1 << 20);
  for (auto id : {"a", "b", "c", "d", "e"})
    append(by_count, id);
  std::vector<hub::UpdatePtr> out;
  by_count.replay("earliest", out);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"c", "d", "e"}));
  out.clear();
  // An evicted id is unknown now: everything held is replayed.
  EXPECT_EQ(by_count.replay("a", out), hub::ReplayFrom::unknown);
  EXPECT_EQ(out.size(), 3u);

  MemoryHistory by_bytes(100, 35);  // each update costs 10 + 1 bytes
  for (auto id : {"a", "b", "c", "d"})
    append(by_bytes, id);
  EXPECT_EQ(by_bytes.size(), 3u);
  EXPECT_LE(by_bytes.bytes(), 35u);
  EXPECT_EQ(by_bytes.newest_id(), "d");
}

TEST(MemoryHistory, RejectsDuplicateIds) {
  MemoryHistory h(100, 1 << 20);
  append(h, "a");
  auto dup = std::make_shared<hub::Update>();
  dup->id = "a";
  dup->seq = h.next_seq();
  EXPECT_FALSE(h.append(dup));
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h.next_seq(), 2u);
}

TEST(MemoryHistory, SizeZeroStillNumbersUpdates) {
  MemoryHistory h(0, 0);
  append(h, "a");
  append(h, "b");
  EXPECT_EQ(h.next_seq(), 3u);
  EXPECT_EQ(h.size(), 0u);
  EXPECT_FALSE(h.newest_id().has_value());
}

}  // namespace
}  // namespace herald::store
